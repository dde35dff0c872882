package io.warmpath.enginesim.openai;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * A client-visible failure, rendered as OpenAI error JSON {@code {"error": {"message", "type", "code"}}}, plus
 * {@code "param"} when the failure is about one request field.
 */
final class OpenAiException extends RuntimeException {

    private final HttpStatusCode status;
    private final String type;
    private final String code;
    private final String param;

    OpenAiException(HttpStatusCode status, String type, String code, String message) {
        this(status, type, code, null, message);
    }

    private OpenAiException(HttpStatusCode status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    static OpenAiException badRequest(String code, String message) {
        return new OpenAiException(HttpStatus.BAD_REQUEST, "BadRequestError", code, message);
    }

    /** A 400 about one request field, named in {@code param} as vLLM's validation errors do. */
    static OpenAiException invalidParameter(String param, String message) {
        return new OpenAiException(HttpStatus.BAD_REQUEST, "BadRequestError", "invalid_request", param, message);
    }

    static OpenAiException modelNotFound(String model) {
        return new OpenAiException(HttpStatus.NOT_FOUND, "NotFoundError", "model_not_found",
                "The model `" + model + "` does not exist.");
    }

    HttpStatusCode status() {
        return status;
    }

    String type() {
        return type;
    }

    String code() {
        return code;
    }

    /** The request field the failure is about, or null. */
    String param() {
        return param;
    }
}
