package io.warmpath.inference.openai;

import io.warmpath.redaction.Redactor;
import java.util.Map;

/**
 * The error object of the OpenAI API; rendered as {@code {"error": {"message", "type", "code"}}} on /v1/* responses
 * and as the data of an SSE error event when a stream breaks.
 */
record OpenAiError(String message, String type, String code) {

    static final String ENGINE_UNAVAILABLE = "engine_unavailable";

    /** Messages can quote what a client or session-service sent: redacted like a log line before they go out. */
    OpenAiError {
        message = Redactor.standard().redact(message);
    }

    static OpenAiError regionNotAllowed(String message) {
        return new OpenAiError(message, "invalid_request_error", "region_not_allowed");
    }

    static OpenAiError policyUnavailable(String message) {
        return new OpenAiError(message, "server_error", "policy_unavailable");
    }

    static OpenAiError invalidRequest(String message, String code) {
        return new OpenAiError(message, "invalid_request_error", code);
    }

    static OpenAiError engineUnavailable(String message) {
        return new OpenAiError(message, "server_error", ENGINE_UNAVAILABLE);
    }

    /** The engine answered, but not with something the cell can relay: a 5xx, or an answer it cannot read. */
    static OpenAiError engineError(String message) {
        return new OpenAiError(message, "server_error", "engine_error");
    }

    /** A failure of the cell itself; says nothing about the engine or the client's request. */
    static OpenAiError internalError(String message) {
        return new OpenAiError(message, "server_error", "internal_error");
    }

    static OpenAiError engineTimeout(String message) {
        return new OpenAiError(message, "server_error", "engine_timeout");
    }

    static OpenAiError sessionServiceUnavailable(String message) {
        return new OpenAiError(message, "server_error", "session_service_unavailable");
    }

    static OpenAiError streamBroken(String message) {
        return new OpenAiError(message, "server_error", "stream_broken");
    }

    /** The envelope as it goes on the wire. */
    Map<String, OpenAiError> envelope() {
        return Map.of("error", this);
    }
}
