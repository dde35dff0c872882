package io.warmpath.contracts.errors;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Every error code a Warmpath service answers with, with its HTTP status and OpenAI error {@code type}. Clients
 * branch on {@link #code()}; it never changes meaning. OpenAI SDKs map the status to their exception classes and
 * show the type, so both follow OpenAI's conventions; {@link #MODEL_NOT_FOUND} keeps the type vLLM uses, so a
 * client sees one shape whichever hop refused the model.
 */
public enum ErrorCode {

    // 400: the request itself.
    INVALID_REQUEST(400, Types.INVALID_REQUEST),
    /** OpenAI's code for a required field that is missing or empty. */
    MISSING_REQUIRED_PARAMETER(400, Types.INVALID_REQUEST),
    INVALID_JSON(400, Types.INVALID_REQUEST),
    INVALID_REQUEST_BODY(400, Types.INVALID_REQUEST),
    /** A field the endpoint does not take, or one only an operator may allow (such as {@code chat_template}). */
    UNSUPPORTED_FIELD(400, Types.INVALID_REQUEST),
    INVALID_DATA_CLASS(400, Types.INVALID_REQUEST),
    INVALID_SESSION_HEADER(400, Types.INVALID_REQUEST),
    INVALID_TOOL_INPUT(400, Types.INVALID_REQUEST),
    CONTENT_HASH_MISMATCH(400, Types.INVALID_REQUEST),
    IMPLICIT_SESSION(400, Types.INVALID_REQUEST),
    MODEL_NOT_PRICED(400, Types.INVALID_REQUEST),
    CONTEXT_LENGTH_EXCEEDED(400, Types.INVALID_REQUEST),
    CONTEXT_GROWTH_EXCEEDED(400, Types.INVALID_REQUEST),
    /** A claim of the caller's token that policy cannot work with (an unknown clearance, a malformed region). */
    INVALID_TOKEN_CLAIMS(400, Types.INVALID_REQUEST),
    /** An {@code Idempotency-Key} that is empty, too long, or not a token or quoted string of visible ASCII. */
    INVALID_IDEMPOTENCY_KEY(400, Types.INVALID_REQUEST),
    /** An {@code x-request-timeout-ms} that is not a whole number of milliseconds (0 is one: already spent, a 504). */
    INVALID_REQUEST_TIMEOUT(400, Types.INVALID_REQUEST),

    // 401 and 403: who is asking, and whether they may.
    INVALID_TOKEN(401, Types.AUTHENTICATION),
    INSUFFICIENT_SCOPE(403, Types.PERMISSION),
    WORKFLOW_MISMATCH(403, Types.PERMISSION),
    REGION_NOT_ALLOWED(403, Types.PERMISSION),
    DATA_CLASS_NOT_ALLOWED(403, Types.PERMISSION),
    NOT_SESSION_OWNER(403, Types.PERMISSION),
    TOOL_NOT_ALLOWED(403, Types.PERMISSION),
    EGRESS_REFUSED(403, Types.PERMISSION),

    // 404 to 431: the rest of HTTP's client errors.
    NOT_FOUND(404, Types.INVALID_REQUEST),
    MODEL_NOT_FOUND(404, "NotFoundError"),
    SESSION_NOT_FOUND(404, Types.INVALID_REQUEST),
    RESERVATION_NOT_FOUND(404, Types.INVALID_REQUEST),
    TOOL_NOT_FOUND(404, Types.INVALID_REQUEST),
    ARTIFACT_NOT_FOUND(404, Types.INVALID_REQUEST),
    METHOD_NOT_ALLOWED(405, Types.INVALID_REQUEST),
    NOT_ACCEPTABLE(406, Types.INVALID_REQUEST),
    BINDING_EPOCH_CONFLICT(409, Types.INVALID_REQUEST),
    REQUEST_ID_REUSED(409, Types.INVALID_REQUEST),
    RESERVATION_RELEASED(409, Types.INVALID_REQUEST),
    ARTIFACT_ON_LEGAL_HOLD(409, Types.INVALID_REQUEST),
    TOOL_TRIMMED(409, Types.INVALID_REQUEST),
    CHECKPOINTS_OFF(409, Types.INVALID_REQUEST),
    /** A request with the same {@code Idempotency-Key} is still being served; sent with {@code Retry-After}. */
    IDEMPOTENCY_KEY_IN_USE(409, Types.INVALID_REQUEST),
    /** The request with this {@code Idempotency-Key} was served, but its response was too large to keep. */
    IDEMPOTENT_RESPONSE_NOT_KEPT(409, Types.INVALID_REQUEST),
    REQUEST_TOO_LARGE(413, Types.INVALID_REQUEST),
    URI_TOO_LONG(414, Types.INVALID_REQUEST),
    UNSUPPORTED_MEDIA_TYPE(415, Types.INVALID_REQUEST),
    RANGE_NOT_SATISFIABLE(416, Types.INVALID_REQUEST),
    IDEMPOTENCY_KEY_REUSED(422, Types.INVALID_REQUEST),
    HEADERS_TOO_LARGE(431, Types.INVALID_REQUEST),

    // 429: limits.
    BUDGET_EXCEEDED(429, "insufficient_quota"),
    /** Over the tenant's or key's requests per minute; the type is OpenAI's for request rate limits. */
    RATE_LIMIT_EXCEEDED(429, Types.REQUESTS),
    /** Over the tenant's or key's tokens per minute. */
    TOKEN_RATE_LIMIT_EXCEEDED(429, Types.TOKENS),
    /** Over the tenant's or key's concurrent requests. */
    CONCURRENCY_LIMIT_EXCEEDED(429, Types.REQUESTS),
    /** Over the tenant's cap on open implicit sessions. */
    SESSION_LIMIT_EXCEEDED(429, Types.REQUESTS),

    /** The engine refused the request; sent with the engine's own 4xx status, when its body said nothing usable. */
    ENGINE_REJECTED(400, Types.INVALID_REQUEST),

    // 5xx: Warmpath or what is behind it.
    INTERNAL_ERROR(500, Types.SERVER),
    CELL_FAILED(502, Types.SERVER),
    SESSION_SERVICE_FAILED(502, Types.SERVER),
    ARTIFACT_SERVICE_FAILED(502, Types.SERVER),
    ENGINE_ERROR(502, Types.SERVER),
    /** Sent as an event when a stream breaks after its status went out; the status is what it would have been. */
    STREAM_BROKEN(502, Types.SERVER),
    TOOL_UNREACHABLE(502, Types.SERVER),
    TOOL_RESPONSE_TOO_LARGE(502, Types.SERVER),
    NO_HEALTHY_CELL(503, Types.SERVER),
    CELL_UNAVAILABLE(503, Types.SERVER),
    /** A cell's admission lane cannot take the request (queue full, or it could not start within its deadline). */
    CELL_OVERLOADED(503, Types.SERVER),
    ENGINE_UNAVAILABLE(503, Types.SERVER),
    SESSION_SERVICE_UNAVAILABLE(503, Types.SERVER),
    ARTIFACT_SERVICE_UNAVAILABLE(503, Types.SERVER),
    SESSION_SERVICE_OVERLOADED(503, Types.SERVER),
    SESSION_STORE_UNAVAILABLE(503, Types.SERVER),
    POLICY_UNAVAILABLE(503, Types.SERVER),
    /** The gateway could not check rate limits and is configured to refuse rather than admit unchecked. */
    RATE_LIMITS_UNAVAILABLE(503, Types.SERVER),
    /** The gateway could not check an {@code Idempotency-Key} and is configured to refuse rather than risk a repeat. */
    IDEMPOTENCY_STORE_UNAVAILABLE(503, Types.SERVER),
    ARTIFACT_STORE_UNAVAILABLE(503, Types.SERVER),
    UPSTREAM_TIMEOUT(504, Types.SERVER),
    /** The request's {@code x-request-timeout-ms} ran out, or leaves too little time for it to be served. */
    DEADLINE_EXCEEDED(504, Types.SERVER),
    ENGINE_TIMEOUT(504, Types.SERVER),
    TOOL_TIMEOUT(504, Types.SERVER);

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type) {
        this.status = status;
        this.type = type;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }

    /** The OpenAI error {@code type}. */
    public String type() {
        return type;
    }

    /** The stable machine-readable {@code code}: the constant's name in lower case. */
    public String code() {
        return code;
    }

    /** The code a wire value names, or {@code null} for one this version does not know. */
    public static @Nullable ErrorCode fromCode(String code) {
        for (ErrorCode candidate : values()) {
            if (candidate.code.equals(code)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The generic code of an HTTP error status, for failures that carry nothing more specific (a framework's 415, a
     * server's 431): its own code for the client errors listed here, {@link #INVALID_REQUEST} for any other 4xx, and
     * {@link #INTERNAL_ERROR} for anything else.
     */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> INVALID_TOKEN;
            case 403 -> INSUFFICIENT_SCOPE;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> REQUEST_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 416 -> RANGE_NOT_SATISFIABLE;
            case 431 -> HEADERS_TOO_LARGE;
            case 502 -> CELL_FAILED;
            case 503 -> CELL_UNAVAILABLE;
            case 504 -> UPSTREAM_TIMEOUT;
            default -> status >= 400 && status < 500 ? INVALID_REQUEST : INTERNAL_ERROR;
        };
    }

    /** OpenAI's error types. */
    private static final class Types {
        static final String INVALID_REQUEST = "invalid_request_error";
        static final String AUTHENTICATION = "authentication_error";
        static final String PERMISSION = "permission_error";
        static final String SERVER = "server_error";
        static final String REQUESTS = "requests";
        static final String TOKENS = "tokens";
    }
}
