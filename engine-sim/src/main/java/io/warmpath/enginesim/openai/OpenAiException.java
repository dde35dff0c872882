package io.warmpath.enginesim.openai;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/** A client-visible failure, rendered as OpenAI error JSON {@code {"error": {"message", "type", "code"}}}. */
final class OpenAiException extends RuntimeException {

    private final HttpStatusCode status;
    private final String type;
    private final String code;

    OpenAiException(HttpStatusCode status, String type, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    static OpenAiException badRequest(String code, String message) {
        return new OpenAiException(HttpStatus.BAD_REQUEST, "BadRequestError", code, message);
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
}
