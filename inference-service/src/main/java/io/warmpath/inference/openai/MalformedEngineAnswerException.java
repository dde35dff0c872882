package io.warmpath.inference.openai;

/** The engine answered 2xx with something the cell cannot use (a 502 for the client, not a sign the engine is down). */
class MalformedEngineAnswerException extends RuntimeException {

    MalformedEngineAnswerException(String message) {
        super(message);
    }
}
