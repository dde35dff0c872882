package io.warmpath.artifacts.artifacts;

import java.time.Duration;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;

/**
 * What a client says about an artifact it uploads.
 *
 * @param name        its name (a file name, say)
 * @param contentType the media type it will be served with
 * @param sessionId   the session it belongs to, if any
 * @param dataClass   the class of its data; absent: the class of the caller's request
 * @param labels      the client's labels
 * @param retention   how long to keep it, at most its data class's retention; absent: that retention
 * @param region      where to keep it; absent: the caller's home region, else the service's default
 * @param sha256      the lower-case hex SHA-256 the bytes must have, if the client announces one
 */
record NewArtifact(String name, String contentType, @Nullable String sessionId, @Nullable DataClass dataClass,
        Map<String, String> labels, @Nullable Duration retention, @Nullable String region, @Nullable String sha256) {

    NewArtifact {
        labels = Map.copyOf(labels);
    }
}
