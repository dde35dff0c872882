package io.warmpath.artifacts.artifacts;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;

/**
 * An artifact's metadata: what {@code GET /v1/artifacts/{id}/metadata} answers and what is stored next to its bytes.
 *
 * @param id          {@code art_} and 26 base32 characters, in creation order
 * @param name        the client's name for it (a file name, say)
 * @param contentType the media type it is served with
 * @param size        bytes
 * @param sha256      lower-case hex SHA-256 of the bytes, computed as they were stored
 * @param region      the region its bytes are kept in
 * @param dataClass   the class of its data, which decides who may read it, where, and for how long it is kept
 * @param sessionId   the session it belongs to, when it belongs to one
 * @param labels      the client's labels
 * @param createdAt   when it was stored
 * @param expiresAt   when it is deleted, unless under legal hold
 * @param legalHold   whether it is kept past {@code expiresAt} and cannot be deleted
 * @param createdBy   the subject of the caller that stored it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Artifact(String id, String name, String contentType, long size, String sha256, String region,
        DataClass dataClass, @Nullable String sessionId, Map<String, String> labels, Instant createdAt,
        Instant expiresAt, boolean legalHold, @Nullable String createdBy) {

    public Artifact {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** This artifact with its legal hold set or lifted. */
    Artifact withLegalHold(boolean hold) {
        return new Artifact(id, name, contentType, size, sha256, region, dataClass, sessionId, labels, createdAt,
                expiresAt, hold, createdBy);
    }
}
