package io.warmpath.session.web;

import java.time.Duration;
import java.util.concurrent.Semaphore;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.errors.ApiErrorException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Load shedding: at most {@code maxConcurrent} API requests are handled at once, and one more is refused at once with
 * 503 {@code session_service_overloaded} and {@code Retry-After}. Every request runs on its own virtual thread, so
 * nothing else bounds them: past saturation a queue would grow until callers time out, keep sending, and the service
 * runs out of memory. A caller that gets the 503 fails fast instead (the gateway routes statelessly, a cell fails
 * closed), and the service keeps answering what it admitted.
 */
final class ConcurrencyLimit implements HandlerInterceptor {

    private static final String ADMITTED = ConcurrencyLimit.class.getName() + ".admitted";

    private final Semaphore permits;
    private final Duration retryAfter;
    private final Counter refused;

    ConcurrencyLimit(int maxConcurrent, Duration retryAfter, MeterRegistry meters) {
        this.permits = new Semaphore(maxConcurrent);
        this.retryAfter = retryAfter;
        this.refused = Counter.builder("warmpath.session.requests.shed")
                .description("API requests refused with 503 because the service was at its concurrency limit")
                .register(meters);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!permits.tryAcquire()) {
            refused.increment();
            throw new ApiErrorException(Errors.overloaded(retryAfter));
        }
        request.setAttribute(ADMITTED, Boolean.TRUE);
        return true;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            @Nullable Exception failure) {
        if (request.getAttribute(ADMITTED) != null) {
            request.removeAttribute(ADMITTED);
            permits.release();
        }
    }
}
