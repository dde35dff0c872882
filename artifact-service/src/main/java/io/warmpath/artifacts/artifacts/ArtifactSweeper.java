package io.warmpath.artifacts.artifacts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.artifacts.store.ObjectStore;
import io.warmpath.artifacts.store.RegionalStores;
import io.warmpath.artifacts.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces retention and cleans up after failures, one pass over every region's bucket at a time: deletes artifacts
 * past their {@code expires_at} unless under legal hold, bytes and session entries that no metadata names (an upload
 * or a delete that failed half-way) once they are older than {@link #GRACE}, expired idempotency records, and
 * multipart uploads open for longer than {@link #ABANDONED_UPLOAD}. Portable to any S3 server, unlike lifecycle rules, and
 * it honours legal holds, which a lifecycle rule cannot see.
 */
@Component
class ArtifactSweeper {

    private static final Logger log = LoggerFactory.getLogger(ArtifactSweeper.class);
    /** Long enough that an upload in progress is never taken for an orphan. */
    static final Duration GRACE = Duration.ofHours(1);
    /** A multipart upload still open after this long is abandoned (a chunked upload may be slow, not dead). */
    static final Duration ABANDONED_UPLOAD = Duration.ofDays(1);
    private static final int PAGE = 1_000;

    private final RegionalStores stores;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;

    ArtifactSweeper(RegionalStores stores, JsonMapper json, Clock clock, MeterRegistry meters) {
        this.stores = stores;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    /** What one pass removed. */
    record Swept(int expired, int orphans, int idempotencyRecords, int abortedUploads) {
    }

    @Scheduled(initialDelayString = "${warmpath.artifacts.sweep-interval:10m}",
            fixedDelayString = "${warmpath.artifacts.sweep-interval:10m}")
    void sweepOnSchedule() {
        try {
            Swept swept = sweep();
            if (swept.expired() + swept.orphans() + swept.abortedUploads() > 0) {
                log.info("Artifact sweep: {} expired, {} orphaned objects, {} idempotency records, {} uploads aborted",
                        swept.expired(), swept.orphans(), swept.idempotencyRecords(), swept.abortedUploads());
            }
        } catch (StoreUnavailableException unavailable) {
            log.warn("Artifact sweep skipped: {}", unavailable.getMessage());
        }
    }

    /** One pass over every region. */
    Swept sweep() {
        Instant now = clock.instant();
        Instant graceEnd = now.minus(GRACE);
        int expired = 0;
        int orphans = 0;
        int records = 0;
        int aborted = 0;
        for (String region : stores.regions()) {
            ObjectStore store = stores.in(region).orElseThrow();
            for (var upload : store.staleUploads(TenantKeys.ROOT, now.minus(ABANDONED_UPLOAD))) {
                store.abortUpload(upload.key(), upload.uploadId());
                aborted++;
            }
            String after = null;
            List<S3Object> page;
            do {
                page = store.listObjects(TenantKeys.ROOT, after, PAGE);
                for (S3Object object : page) {
                    Kind kind = Kind.of(object.key());
                    switch (kind) {
                        case METADATA -> expired += expire(store, object.key(), now) ? 1 : 0;
                        case CONTENT, SESSION_ENTRY -> orphans += object.lastModified().isBefore(graceEnd)
                                && unreferenced(store, object.key()) ? 1 : 0;
                        case IDEMPOTENCY -> records += expiredRecord(store, object.key(), now) ? 1 : 0;
                        case OTHER -> {
                        }
                    }
                }
                after = page.isEmpty() ? null : page.getLast().key();
            } while (page.size() == PAGE);
        }
        meters.counter("warmpath.artifacts.swept", "reason", "expired").increment(expired);
        meters.counter("warmpath.artifacts.swept", "reason", "orphan").increment(orphans);
        meters.counter("warmpath.artifacts.swept", "reason", "aborted_upload").increment(aborted);
        return new Swept(expired, orphans, records, aborted);
    }

    private boolean expire(ObjectStore store, String metadataKey, Instant now) {
        Optional<Artifact> artifact = store.readSmall(metadataKey).map(bytes -> json.readValue(bytes, Artifact.class));
        if (artifact.isEmpty() || artifact.get().legalHold() || artifact.get().expiresAt().isAfter(now)) {
            return false;
        }
        Artifacts.remove(store, keysOf(metadataKey), artifact.get());
        return true;
    }

    /** Bytes or a session entry whose artifact has no metadata: deleted. */
    private boolean unreferenced(ObjectStore store, String key) {
        String id = TenantKeys.idOf(key);
        if (!ArtifactIds.isValid(id) || store.readSmall(keysOf(key).metadata(id)).isPresent()) {
            return false;
        }
        store.delete(key);
        return true;
    }

    private boolean expiredRecord(ObjectStore store, String key, Instant now) {
        Optional<Artifacts.IdempotencyRecord> record = store.readSmall(key)
                .map(bytes -> json.readValue(bytes, Artifacts.IdempotencyRecord.class));
        if (record.isPresent() && record.get().expiresAt().isAfter(now)) {
            return false;
        }
        store.delete(key);
        return true;
    }

    /** The tenant's keys from any key under its prefix: {@code tenants/<hash>/...}. */
    private static TenantKeys keysOf(String key) {
        int end = key.indexOf('/', TenantKeys.ROOT.length());
        return TenantKeys.ofPrefix(key.substring(0, end + 1));
    }

    private enum Kind {
        CONTENT, METADATA, SESSION_ENTRY, IDEMPOTENCY, OTHER;

        static Kind of(@Nullable String key) {
            if (key == null) {
                return OTHER;
            }
            String[] parts = key.split("/");
            if (parts.length < 4) {
                return OTHER;
            }
            return switch (parts[2]) {
                case "objects" -> CONTENT;
                case "metadata" -> METADATA;
                case "sessions" -> parts.length == 5 ? SESSION_ENTRY : OTHER;
                case "idempotency" -> IDEMPOTENCY;
                default -> OTHER;
            };
        }
    }
}
