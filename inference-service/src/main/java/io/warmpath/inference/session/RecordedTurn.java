package io.warmpath.inference.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * One turn of {@code POST /internal/turns}: a served turn of a session without limits, which reserved nothing.
 *
 * @param sessionId the session (from {@code x-warmpath-session})
 * @param requestId the cell's id for the request; session-service records the same id on the same session once
 * @param usage     what the turn used, as a settle reports it
 */
public record RecordedTurn(@JsonProperty("session_id") String sessionId, @JsonProperty("request_id") String requestId,
        @JsonUnwrapped Settlement usage) {
}
