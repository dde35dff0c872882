package io.warmpath.contracts.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.warmpath.contracts.Ids;
import org.jspecify.annotations.Nullable;

/**
 * The keys of the audit bucket: one object per batch of one tenant's decisions, JSON lines, at
 * {@code audit/<sha256(tenant)>/<batch id>.jsonl}. A batch id starts with the time it was written
 * ({@code 20261207T031500123Z}), then the writing instance and its sequence number, so a listing in key order is a
 * listing in the order batches arrived (a cursor never skips one written later), and no two writers ever choose the
 * same key.
 */
public final class AuditKeys {

    /** The media type of a batch: one JSON object per line. */
    public static final String MEDIA_TYPE = "application/x-ndjson";

    private static final String ROOT = "audit/";
    private static final String SUFFIX = ".jsonl";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern BATCH_ID = Pattern.compile("\\d{8}T\\d{9}Z-[a-z0-9-]{1,40}-\\d{9}");
    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9-]{1,40}");

    private AuditKeys() {
    }

    /** Where one tenant's batches are: no tenant can name another's, nor a key outside its own. */
    public static String tenantPrefix(String tenant) {
        return ROOT + HexFormat.of().formatHex(Ids.sha256().digest(tenant.getBytes(StandardCharsets.UTF_8))) + "/";
    }

    /** The key of one batch of a tenant. */
    public static String batchKey(String tenant, String batchId) {
        if (!isBatchId(batchId)) {
            throw new IllegalArgumentException("Not a batch id: " + batchId);
        }
        return tenantPrefix(tenant) + batchId + SUFFIX;
    }

    /**
     * The id of a batch written at {@code writtenAt}, the {@code sequence}-th batch of {@code instance} (lower-case
     * letters, digits and dashes, up to 40).
     */
    public static String batchId(Instant writtenAt, String instance, long sequence) {
        if (!INSTANCE.matcher(instance).matches() || sequence < 0 || sequence > 999_999_999L) {
            throw new IllegalArgumentException("An instance is [a-z0-9-]{1,40} and a sequence 0 to 999999999");
        }
        return TIME.format(writtenAt) + "-" + instance + "-" + String.format("%09d", sequence);
    }

    /** The batch id at the start of a listing from {@code time} on: every batch id from then sorts after it. */
    public static String startOf(Instant time) {
        return TIME.format(time);
    }

    /** When a batch was written. */
    public static Instant timeOf(String batchId) {
        return TIME.parse(batchId.substring(0, batchId.indexOf('-')), Instant::from);
    }

    public static boolean isBatchId(String value) {
        return BATCH_ID.matcher(value).matches();
    }

    /** The batch id of a key of {@link #batchKey} form; {@code null} for any other key. */
    public static @Nullable String batchIdOf(String key) {
        int slash = key.lastIndexOf('/');
        if (slash < 0 || !key.endsWith(SUFFIX)) {
            return null;
        }
        String id = key.substring(slash + 1, key.length() - SUFFIX.length());
        return isBatchId(id) ? id : null;
    }
}
