package io.warmpath.inference.openai;

import java.time.Duration;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ErrorCode;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * When a request must be over: the cell's own limit ({@code timeouts.request}), or sooner what is left of the
 * client's {@code x-request-timeout-ms}, as the gateway forwards it on each attempt. The engine gets what is left of
 * it in the same header; when it runs out the engine call is cancelled (vLLM aborts a request whose connection
 * closes), and the client is told which limit ended it.
 *
 * @param atNanos the {@link System#nanoTime()} it ends at
 * @param clients whether it is the client's deadline rather than the cell's own limit
 */
record RequestDeadline(long atNanos, boolean clients) {

    /** The deadline of a request arriving now; a header that is not a count of milliseconds is ignored. */
    static RequestDeadline of(ServerRequest request, Duration cellLimit) {
        long now = System.nanoTime();
        String header = request.headers().firstHeader(WarmpathHeaders.REQUEST_TIMEOUT_MS);
        long clientMillis = -1;
        if (header != null) {
            try {
                clientMillis = Long.parseLong(header.strip());
            }
            catch (NumberFormatException notACount) {
                // The gateway validates the client's header; anything else here is not a deadline.
            }
        }
        if (clientMillis >= 0 && clientMillis < cellLimit.toMillis()) {
            return new RequestDeadline(now + clientMillis * 1_000_000, true);
        }
        return new RequestDeadline(now + cellLimit.toNanos(), false);
    }

    boolean passed() {
        return System.nanoTime() - atNanos >= 0;
    }

    /** What is left; at least a millisecond, so that a spent deadline still fires. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(atNanos - System.nanoTime(), 1_000_000));
    }

    /** What is left, as the engine gets it in {@code x-request-timeout-ms}. */
    String headerValue() {
        return Long.toString(remaining().toMillis());
    }

    /** The error of a request it ended: {@code deadline_exceeded} for the client's, {@code engine_timeout} for the cell's. */
    ErrorCode timeoutCode() {
        return clients ? ErrorCode.DEADLINE_EXCEEDED : ErrorCode.ENGINE_TIMEOUT;
    }
}
