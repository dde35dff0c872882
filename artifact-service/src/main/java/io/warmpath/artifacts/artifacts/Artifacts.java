package io.warmpath.artifacts.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.warmpath.artifacts.store.ObjectPage;
import io.warmpath.artifacts.store.ObjectStore;
import io.warmpath.artifacts.store.RegionalStores;
import io.warmpath.artifacts.store.StoredObject;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The artifact operations, for the caller's tenant only: an id of another tenant is not found, since every key is
 * under the caller's tenant prefix ({@link TenantKeys}). A write is visible once its metadata is stored, and the
 * metadata is written only after the bytes (and the session entry) are: a failure at any step leaves at most
 * unreferenced objects, which {@link ArtifactSweeper} removes, never metadata without its bytes. A delete removes the
 * metadata first, for the same reason.
 */
@Service
public class Artifacts {

    static final String STORE = "store_artifact";
    static final String READ = "read_artifact";
    private static final String JSON_TYPE = "application/json";
    static final Duration METADATA_REUSE = Duration.ofSeconds(10);

    /**
     * Metadata this replica wrote or read in the last {@link #METADATA_REUSE}: an artifact's class and region never
     * change, so a read soon after (the usual pattern: store, then fetch) costs one S3 call, not two. A delete on
     * another replica can show in {@code /metadata} and listings here for that long; its bytes are never served
     * after it (their GET answers 404).
     */
    private final Cache<String, Artifact> recent = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(METADATA_REUSE).build();
    private final RegionalStores stores;
    private final ArtifactPolicy policy;
    private final ArtifactProperties properties;
    private final JsonMapper json;
    private final Clock clock;

    Artifacts(RegionalStores stores, ArtifactPolicy policy, ArtifactProperties properties, JsonMapper json,
            Clock clock) {
        this.stores = stores;
        this.policy = policy;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /** What {@link #store} did: the artifact, and whether an earlier request with the same key had stored it. */
    record Stored(Artifact artifact, boolean replayed) {
    }

    /**
     * Stores {@code body} as a new artifact of the caller's tenant, or answers with the one an earlier request with
     * the same {@code idempotencyKey} and the same bytes stored.
     *
     * @param length the body's {@code Content-Length}, or -1 when it comes chunked
     */
    Stored store(Assertion caller, @Nullable String policyAssertion, NewArtifact request, InputStream body,
            long length, @Nullable String idempotencyKey) {
        String tenant = tenantOf(caller);
        TenantKeys keys = TenantKeys.of(tenant);
        DataClass dataClass = request.dataClass() != null ? request.dataClass() : caller.dataClass();
        String region = regionFor(caller, request.region());
        ObjectStore store = stores.in(region).orElseThrow();
        Instant now = clock.instant();
        String id = ArtifactIds.next(now);
        policy.check(caller, policyAssertion, STORE, region, dataClass);

        Duration retention = retentionFor(dataClass, request.retention());
        if (idempotencyKey != null) {
            Optional<Artifact> replay = replayOf(store, keys, idempotencyKey, request, body);
            if (replay.isPresent()) {
                policy.check(caller, policyAssertion, READ, replay.get().region(), replay.get().dataClass());
                return new Stored(replay.get(), true);
            }
        }
        // The bytes are stored untyped; the client's type is in the metadata and served from there. Some servers read a
        // PUT typed as form data as a form (S3Proxy refuses it).
        StoredObject stored = store.write(keys.content(id), body, length, MediaType.APPLICATION_OCTET_STREAM_VALUE,
                properties.maxBytes(tenant), request.sha256());
        Artifact artifact = new Artifact(id, request.name(), request.contentType(), stored.size(), stored.sha256(),
                region, dataClass, request.sessionId(), request.labels(), now, now.plus(retention), false,
                caller.subject());
        if (request.sessionId() != null) {
            store.writeSmall(keys.sessionEntry(request.sessionId(), id), new byte[0], JSON_TYPE);
        }
        store.writeSmall(keys.metadata(id), json.writeValueAsBytes(artifact), JSON_TYPE);
        recent.put(keys.metadata(id), artifact);
        if (idempotencyKey != null) {
            IdempotencyRecord record = new IdempotencyRecord(id, stored.sha256(), now.plus(properties.idempotencyWindow()));
            store.writeSmall(keys.idempotency(idempotencyKey), json.writeValueAsBytes(record), JSON_TYPE);
        }
        return new Stored(artifact, false);
    }

    /** An artifact's metadata, after policy allows the caller to read it. */
    Artifact metadata(Assertion caller, @Nullable String policyAssertion, String id) {
        Located located = locate(caller, id);
        policy.check(caller, policyAssertion, READ, located.artifact().region(), located.artifact().dataClass());
        return located.artifact();
    }

    /** An artifact's bytes (of {@code rangeHeader}'s range, when it names one), after policy allows the read. */
    Download open(Assertion caller, @Nullable String policyAssertion, String id, @Nullable String rangeHeader) {
        Located located = locate(caller, id);
        Artifact artifact = located.artifact();
        policy.check(caller, policyAssertion, READ, artifact.region(), artifact.dataClass());
        Optional<ByteRange> range;
        try {
            range = rangeHeader == null ? Optional.empty() : ByteRange.parse(rangeHeader, artifact.size());
        } catch (ByteRange.UnsatisfiableRangeException unsatisfiable) {
            throw new RangeNotSatisfiableException(artifact.size());
        }
        InputStream body = located.store().read(located.keys().content(id), range.map(ByteRange::header).orElse(null))
                .orElseThrow(() -> notFound(id));
        return new Download(artifact, body, range.map(ByteRange::length).orElse(artifact.size()),
                range.map(r -> r.contentRange(artifact.size())).orElse(null));
    }

    /**
     * The caller's artifacts (of one session, when {@code sessionId} is given; of one {@code kind} label, when that is
     * given), {@code limit} after {@code cursor}. A page filtered by kind may hold fewer than {@code limit}, or none,
     * and still have a cursor to go on with.
     */
    ArtifactPage list(Assertion caller, @Nullable String policyAssertion, @Nullable String sessionId,
            @Nullable String kind, @Nullable String cursor, int limit) {
        TenantKeys keys = TenantKeys.of(tenantOf(caller));
        if (cursor != null && !ArtifactIds.isValid(cursor)) {
            throw new ApiErrorException(ApiError.invalidField("cursor", "is not a cursor this API gave out"));
        }
        String prefix = sessionId == null ? keys.metadataPrefix() : keys.sessionPrefix(sessionId);
        List<String> ids = new ArrayList<>();
        boolean more = false;
        // Artifacts of one tenant may be kept in several regions: each region's page, merged in id (creation) order.
        for (String region : stores.regions()) {
            ObjectPage page = stores.in(region).orElseThrow().list(prefix, cursor == null ? null : prefix + cursor,
                    limit);
            page.keys().stream().map(TenantKeys::idOf).forEach(ids::add);
            more |= page.truncated();
        }
        ids.sort(null);
        more |= ids.size() > limit;
        List<String> pageIds = ids.subList(0, Math.min(limit, ids.size()));
        List<Artifact> artifacts = new ArrayList<>();
        for (Artifact artifact : loadAll(keys, pageIds)) {
            if ((kind == null || kind.equals(artifact.labels().get("kind"))) && readable(caller, policyAssertion,
                    artifact)) {
                artifacts.add(artifact);
            }
        }
        return new ArtifactPage(artifacts, more && !pageIds.isEmpty() ? pageIds.getLast() : null);
    }

    /** Deletes an artifact unless it is under legal hold (as stored now, not as this replica last saw it). */
    void delete(Assertion caller, @Nullable String policyAssertion, String id) {
        Located located = locateFresh(caller, id);
        Artifact artifact = located.artifact();
        policy.check(caller, policyAssertion, STORE, artifact.region(), artifact.dataClass());
        if (artifact.legalHold()) {
            throw new ApiErrorException(ApiError.of(ErrorCode.ARTIFACT_ON_LEGAL_HOLD,
                    "Artifact " + id + " is under legal hold and cannot be deleted."));
        }
        recent.invalidate(located.keys().metadata(id));
        remove(located.store(), located.keys(), artifact);
    }

    /** Sets or lifts an artifact's legal hold. */
    Artifact legalHold(Assertion caller, @Nullable String policyAssertion, String id, boolean hold) {
        Located located = locateFresh(caller, id);
        policy.check(caller, policyAssertion, STORE, located.artifact().region(), located.artifact().dataClass());
        Artifact held = located.artifact().withLegalHold(hold);
        located.store().writeSmall(located.keys().metadata(id), json.writeValueAsBytes(held), JSON_TYPE);
        recent.put(located.keys().metadata(id), held);
        return held;
    }

    /** A URL that reads the artifact without credentials for {@code lifetime} (at most the configured maximum). */
    PresignedUrl presign(Assertion caller, @Nullable String policyAssertion, String id, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(properties.maxUrlLifetime()) > 0) {
            throw new ApiErrorException(ApiError.invalidField("expires_in", "must be between 1 and "
                    + properties.maxUrlLifetime().toSeconds() + " seconds"));
        }
        Located located = locate(caller, id);
        Artifact artifact = located.artifact();
        policy.check(caller, policyAssertion, READ, artifact.region(), artifact.dataClass());
        URL url = located.store().presignGet(located.keys().content(id), lifetime, artifact.contentType(),
                ContentDisposition.attachment().filename(artifact.name(), StandardCharsets.UTF_8).build().toString());
        return new PresignedUrl(url.toString(), clock.instant().plus(lifetime));
    }

    /** Removes an artifact's objects, metadata first (see the class comment). */
    static void remove(ObjectStore store, TenantKeys keys, Artifact artifact) {
        store.delete(keys.metadata(artifact.id()));
        store.delete(keys.content(artifact.id()));
        if (artifact.sessionId() != null) {
            store.delete(keys.sessionEntry(artifact.sessionId(), artifact.id()));
        }
    }

    private Optional<Artifact> replayOf(ObjectStore store, TenantKeys keys, String idempotencyKey, NewArtifact request,
            InputStream body) {
        Optional<IdempotencyRecord> record = store.readSmall(keys.idempotency(idempotencyKey))
                .map(bytes -> json.readValue(bytes, IdempotencyRecord.class))
                .filter(found -> found.expiresAt().isAfter(clock.instant()));
        if (record.isEmpty()) {
            return Optional.empty();
        }
        // The artifact the key created may have been deleted or have expired since: then the key names nothing, and
        // the body (not read yet) is stored as a new artifact.
        Optional<Artifact> created = store.readSmall(keys.metadata(record.get().artifactId()))
                .map(bytes -> json.readValue(bytes, Artifact.class));
        if (created.isEmpty()) {
            return Optional.empty();
        }
        String sha256 = request.sha256() != null ? request.sha256() : sha256Of(body);
        if (!sha256.equals(record.get().sha256())) {
            throw new ApiErrorException(ApiError.of(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used for other content; use a new key for a new artifact."));
        }
        return created;
    }

    /** Reads a body through, keeping only its hash: a replay's bytes are compared, not stored again. */
    private static String sha256Of(InputStream body) {
        MessageDigest digest = Ids.sha256();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int read; (read = body.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String regionFor(Assertion caller, @Nullable String requested) {
        if (requested != null) {
            if (stores.in(requested).isEmpty()) {
                throw new ApiErrorException(ApiError.invalidField("region", "is not a region this service keeps "
                        + "artifacts in (" + String.join(", ", stores.regions()) + ")"));
            }
            return requested;
        }
        // Data pinned to a region (a session's, for its transcripts) is kept there; policy refuses any other.
        if (caller.dataRegion() != null && stores.in(caller.dataRegion()).isPresent()) {
            return caller.dataRegion();
        }
        if (caller.homeRegion() != null && stores.in(caller.homeRegion()).isPresent()) {
            return caller.homeRegion();
        }
        return properties.defaultRegion();
    }

    private Duration retentionFor(DataClass dataClass, @Nullable Duration requested) {
        Duration limit = properties.retentionOf(dataClass);
        if (requested == null) {
            return limit;
        }
        if (requested.compareTo(limit) > 0) {
            throw new ApiErrorException(ApiError.invalidField("retention_days", "may be at most "
                    + limit.toDays() + " for " + dataClass.wireName() + " data"));
        }
        return requested;
    }

    private boolean readable(Assertion caller, @Nullable String policyAssertion, Artifact artifact) {
        try {
            policy.check(caller, policyAssertion, READ, artifact.region(), artifact.dataClass());
            return true;
        } catch (ApiErrorException refused) {
            if (refused.error().status() == 403) {
                return false;
            }
            throw refused;
        }
    }

    /** Loads the metadata of {@code ids} in parallel, in their order, skipping any not (or no longer) there. */
    private List<Artifact> loadAll(TenantKeys keys, List<String> ids) {
        try (ExecutorService loads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<Located>>> pending = ids.stream()
                    .map(id -> loads.submit(() -> find(keys, id))).toList();
            List<Artifact> artifacts = new ArrayList<>();
            for (Future<Optional<Located>> future : pending) {
                loaded(future).ifPresent(located -> artifacts.add(located.artifact()));
            }
            return artifacts;
        }
    }

    private static <T> T loaded(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #locate}, from the store itself: for the changes a stale copy must not decide. */
    private Located locateFresh(Assertion caller, String id) {
        if (ArtifactIds.isValid(id)) {
            recent.invalidate(TenantKeys.of(tenantOf(caller)).metadata(id));
        }
        return locate(caller, id);
    }

    /** Where an artifact of the caller's tenant is, or a 404. */
    private Located locate(Assertion caller, String id) {
        if (!ArtifactIds.isValid(id)) {
            throw notFound(id);
        }
        return find(TenantKeys.of(tenantOf(caller)), id).orElseThrow(() -> notFound(id));
    }

    /** Looks for the metadata in each region's store; the artifact is where its metadata is. */
    private Optional<Located> find(TenantKeys keys, String id) {
        Artifact known = recent.getIfPresent(keys.metadata(id));
        if (known != null && stores.in(known.region()).isPresent()) {
            return Optional.of(new Located(known, stores.in(known.region()).get(), keys));
        }
        for (String region : stores.regions()) {
            ObjectStore store = stores.in(region).orElseThrow();
            Optional<byte[]> metadata = store.readSmall(keys.metadata(id));
            if (metadata.isPresent()) {
                Artifact artifact = json.readValue(metadata.get(), Artifact.class);
                recent.put(keys.metadata(id), artifact);
                return Optional.of(new Located(artifact, store, keys));
            }
        }
        return Optional.empty();
    }

    private static String tenantOf(Assertion caller) {
        if (caller.tenant() == null) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INSUFFICIENT_SCOPE,
                    "The internal assertion names no tenant."));
        }
        return caller.tenant();
    }

    private static ApiErrorException notFound(String id) {
        return new ApiErrorException(ApiError.of(ErrorCode.ARTIFACT_NOT_FOUND, "No artifact " + id + "."));
    }

    private record Located(Artifact artifact, ObjectStore store, TenantKeys keys) {
    }

    /** The Idempotency-Key's record: the artifact it created and the hash of the bytes it was created with. */
    record IdempotencyRecord(String artifactId, String sha256, Instant expiresAt) {
    }
}
