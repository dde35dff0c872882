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
 */
record FinishedRequest(Outcome outcome, Optional<TokenUsage> usage, Duration timeToFirstToken) {
}
