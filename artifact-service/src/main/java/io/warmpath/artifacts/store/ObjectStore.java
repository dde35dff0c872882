package io.warmpath.artifacts.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.warmpath.contracts.Ids;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * One region's bucket, through the S3 API. Uploads stream: at most one part ({@code partSize} bytes) of a body is in
 * memory at a time, its SHA-256 is computed on the way through, and an upload that goes past its limit or does not
 * match its announced hash is aborted before any of it becomes visible. Connection failures and server errors surface
 * as {@link StoreUnavailableException}.
 */
public final class ObjectStore {

    private static final HexFormat HEX = HexFormat.of();
    private static final Duration CHUNKED_WAIT = Duration.ofSeconds(5);

    private final String region;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final int partSize;
    private final @Nullable ServerSideEncryption encryption;
    /** Chunked uploads hold a part in memory each: how many may run at once. */
    private final Semaphore chunkedUploads;

    ObjectStore(String region, S3Client s3, S3Presigner presigner, String bucket, int partSize,
            @Nullable ServerSideEncryption encryption, int maxChunkedUploads) {
        this.region = region;
        this.s3 = s3;
        this.chunkedUploads = new Semaphore(maxChunkedUploads);
        this.presigner = presigner;
        this.bucket = bucket;
        this.partSize = partSize;
        this.encryption = encryption;
    }

    public String region() {
        return region;
    }

    /**
     * Streams {@code body} to {@code key}: one PUT when it fits in a part, else a multipart upload completed only
     * when every byte is in and the hash checks.
     *
     * @param maxBytes       the most the body may have; beyond it the upload is aborted
     * @param expectedSha256 lower-case hex SHA-256 the bytes must have, or {@code null} to take whatever comes
     * @throws ContentRejectedException too large or the wrong bytes; nothing was stored
     */
    public StoredObject write(String key, InputStream body, String contentType, long maxBytes,
            @Nullable String expectedSha256) {
        return write(key, body, -1, contentType, maxBytes, expectedSha256);
    }

    /**
     * As {@link #write(String, InputStream, String, long, String)}; a body of known {@code length} (its
     * {@code Content-Length}) goes to the store as it arrives, in one PUT, rather than part by part: nothing waits
     * for a part to fill. A hash that does not check deletes the object again before anything names it.
     *
     * @param length the body's length, or -1 when it is not known (chunked)
     */
    public StoredObject write(String key, InputStream body, long length, String contentType, long maxBytes,
            @Nullable String expectedSha256) {
        if (length >= 0) {
            checkSize(length, maxBytes);
            return writeStreaming(key, body, length, contentType, expectedSha256);
        }
        try {
            if (!chunkedUploads.tryAcquire(CHUNKED_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException(region, new IllegalStateException("every one of its chunked "
                        + "upload slots is taken"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(region, e);
        }
        try {
            return writeInParts(key, body, contentType, maxBytes, expectedSha256);
        } finally {
            chunkedUploads.release();
        }
    }

    private StoredObject writeInParts(String key, InputStream body, String contentType, long maxBytes,
            @Nullable String expectedSha256) {
        MessageDigest digest = Ids.sha256();
        byte[] part = new byte[partSize];
        int filled = fill(body, part);
        long total = filled;
        digest.update(part, 0, filled);
        checkSize(total, maxBytes);
        if (filled < partSize) {
            String sha256 = checkHash(digest, expectedSha256);
            call(() -> s3.putObject(put -> put.bucket(bucket).key(key).contentType(contentType)
                    .serverSideEncryption(encryption).contentLength((long) filled),
                    RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, filled), filled)));
            return new StoredObject(total, sha256);
        }
        String uploadId = call(() -> s3.createMultipartUpload(create -> create.bucket(bucket).key(key)
                .contentType(contentType).serverSideEncryption(encryption))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int inPart = filled;
            while (inPart > 0) {
                int number = parts.size() + 1;
                int size = inPart;
                String etag = call(() -> s3.uploadPart(upload -> upload.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(number).contentLength((long) size),
                        RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, size), size))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                inPart = fill(body, part);
                total += inPart;
                digest.update(part, 0, inPart);
                checkSize(total, maxBytes);
            }
            String sha256 = checkHash(digest, expectedSha256);
            call(() -> s3.completeMultipartUpload(complete -> complete.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts))));
            return new StoredObject(total, sha256);
        } catch (RuntimeException failure) {
            abort(key, uploadId, failure);
            throw failure;
        }
    }

    private StoredObject writeStreaming(String key, InputStream body, long length, String contentType,
            @Nullable String expectedSha256) {
        MessageDigest digest = Ids.sha256();
        InputStream hashing = new DigestInputStream(body, digest);
        try {
            call(() -> s3.putObject(put -> put.bucket(bucket).key(key).contentType(contentType)
                    .serverSideEncryption(encryption).contentLength(length),
                    RequestBody.fromContentProvider(new UnreadBody(hashing), length, contentType)));
        } catch (IllegalStateException partlySent) {
            throw new StoreUnavailableException(region, partlySent);
        }
        try {
            return new StoredObject(length, checkHash(digest, expectedSha256));
        } catch (ContentRejectedException wrongBytes) {
            delete(key);
            throw wrongBytes;
        }
    }

    /** A small object (metadata, an index entry) written in one PUT. */
    public void writeSmall(String key, byte[] bytes, String contentType) {
        call(() -> s3.putObject(put -> put.bucket(bucket).key(key).contentType(contentType)
                .serverSideEncryption(encryption).contentLength((long) bytes.length), RequestBody.fromBytes(bytes)));
    }

    /** A small object's bytes, or empty when there is no such key. */
    public Optional<byte[]> readSmall(String key) {
        try {
            return Optional.of(call(() -> s3.getObjectAsBytes(get -> get.bucket(bucket).key(key))).asByteArray());
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        }
    }

    /**
     * An object's bytes as a stream the caller must close, or empty when there is no such key.
     *
     * @param range an HTTP {@code Range} value such as {@code bytes=0-99}, or {@code null} for the whole object
     */
    public Optional<ResponseInputStream<GetObjectResponse>> read(String key, @Nullable String range) {
        try {
            return Optional.of(call(() -> s3.getObject(get -> get.bucket(bucket).key(key).range(range))));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        }
    }

    /** Deletes a key; deleting one that does not exist is not an error. */
    public void delete(String key) {
        call(() -> s3.deleteObject(delete -> delete.bucket(bucket).key(key)));
    }

    /** Keys under {@code prefix} after {@code startAfter} (a whole key, or {@code null} from the start), in order. */
    public ObjectPage list(String prefix, @Nullable String startAfter, int limit) {
        var page = call(() -> s3.listObjectsV2(list -> list.bucket(bucket).prefix(prefix).startAfter(startAfter)
                .maxKeys(limit)));
        return new ObjectPage(page.contents().stream().map(S3Object::key).toList(),
                Boolean.TRUE.equals(page.isTruncated()));
    }

    /** Objects (key, size, last modified) under {@code prefix}, one page after {@code startAfter}. */
    public List<S3Object> listObjects(String prefix, @Nullable String startAfter, int limit) {
        return call(() -> s3.listObjectsV2(list -> list.bucket(bucket).prefix(prefix).startAfter(startAfter)
                .maxKeys(limit))).contents();
    }

    /** Multipart uploads under {@code prefix} started before {@code before}: a crash's leftovers. */
    public List<MultipartUpload> staleUploads(String prefix, Instant before) {
        return call(() -> s3.listMultipartUploads(list -> list.bucket(bucket).prefix(prefix))).uploads().stream()
                .filter(upload -> upload.initiated().isBefore(before)).toList();
    }

    /** Aborts a multipart upload, freeing its parts. */
    public void abortUpload(String key, String uploadId) {
        call(() -> s3.abortMultipartUpload(abort -> abort.bucket(bucket).key(key).uploadId(uploadId)));
    }

    /**
     * A URL that GETs the object without credentials until it expires, served as a download ({@code disposition}),
     * never rendered inline from the storage's origin.
     */
    public URL presignGet(String key, Duration lifetime, String contentType, String disposition) {
        return presigner.presignGetObject(presign -> presign.signatureDuration(lifetime)
                .getObjectRequest(get -> get.bucket(bucket).key(key).responseContentType(contentType)
                        .responseContentDisposition(disposition))).url();
    }

    /** Creates the bucket unless it exists (development and tests; deployments create their buckets). */
    void ensureBucket() {
        try {
            s3.headBucket(head -> head.bucket(bucket));
        } catch (S3Exception missing) {
            if (missing.statusCode() != 404) {
                throw new StoreUnavailableException(region, missing);
            }
            call(() -> s3.createBucket(create -> create.bucket(bucket)));
        } catch (SdkClientException unreachable) {
            throw new StoreUnavailableException(region, unreachable);
        }
    }

    private void abort(String key, String uploadId, RuntimeException cause) {
        try {
            s3.abortMultipartUpload(abort -> abort.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException alsoFailed) {
            // The sweeper aborts uploads left behind; the original failure is what the caller needs.
            cause.addSuppressed(alsoFailed);
        }
    }

    private static void checkSize(long total, long maxBytes) {
        if (total > maxBytes) {
            throw new ContentRejectedException(ContentRejectedException.Reason.TOO_LARGE,
                    "the body is larger than " + maxBytes + " bytes");
        }
    }

    private static String checkHash(MessageDigest digest, @Nullable String expectedSha256) {
        String sha256 = HEX.formatHex(digest.digest());
        if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
            throw new ContentRejectedException(ContentRejectedException.Reason.HASH_MISMATCH,
                    "the body's SHA-256 is " + sha256 + ", not the " + expectedSha256 + " announced");
        }
        return sha256;
    }

    /** Reads until {@code buffer} is full or the stream ends; returns the bytes read (0 at the end). */
    private static int fill(InputStream in, byte[] buffer) {
        try {
            int filled = 0;
            while (filled < buffer.length) {
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    break;
                }
                filled += read;
            }
            return filled;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one S3 call; what is the store's fault rather than the request's becomes a StoreUnavailableException. */
    private <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (NoSuchKeyException missing) {
            throw missing;
        } catch (S3Exception failure) {
            if (failure.statusCode() == 404 && !"NoSuchBucket".equals(failure.awsErrorDetails().errorCode())) {
                throw new S3NotFound(failure);
            }
            // A server error, or a refusal this service cannot correct per request (a missing bucket, denied
            // access, a missing encryption key): the store is unavailable to it until an operator fixes that.
            throw new StoreUnavailableException(region, failure);
        } catch (SdkClientException unreachable) {
            throw new StoreUnavailableException(region, unreachable);
        }
    }

    /** A 404 that is not a missing key (a missing bucket, an unknown upload). */
    static final class S3NotFound extends RuntimeException {

        S3NotFound(S3Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
