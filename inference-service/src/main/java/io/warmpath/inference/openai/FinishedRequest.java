package io.warmpath.inference.openai;

import java.time.Duration;
import java.util.Optional;

/**
 * How one request ended, as its {@link RequestObservation} saw it; what a session's reservation is settled with.
 *
 * @param outcome          how it ended
 * @param usage            the engine's usage, when it reported one (JSON answer or a stream's usage chunk)
 * @param timeToFirstToken until the first content chunk of a stream; for an answer without one (non-streamed, or a
 *                         stream that never carried content), until the request ended
 * @param engineCalled     whether the request was sent to the engine (it may then have cost tokens)
 * @param contentChunks    stream chunks that carried content; vLLM sends about one per generated token
 */
record FinishedRequest(Outcome outcome, Optional<TokenUsage> usage, Duration timeToFirstToken, boolean engineCalled,
        int contentChunks) {
}
