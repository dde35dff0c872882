package io.warmpath.inference.openai;

/** A client mistake found before the engine is called; always answered with a 4xx and an OpenAI error. */
class InvalidRequestException extends RuntimeException {

    private final OpenAiError error;

    InvalidRequestException(String message, String code) {
        super(message);
        this.error = OpenAiError.invalidRequest(message, code);
    }

    OpenAiError error() {
        return error;
    }
}
