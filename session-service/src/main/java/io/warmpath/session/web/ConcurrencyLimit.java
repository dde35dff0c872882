package io.warmpath.session.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.errors.ApiErrorException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Load shedding, fair between tenants: at most {@code maxConcurrent} API requests are handled at once. Each tenant
 * is sure of {@code maxPerTenant} of them; beyond that share it may borrow idle slots, but only while more than a
 * share's worth stay free for the others, so one tenant alone can burst to all but one share and is shed first when
 * others arrive. A request past these limits is refused at once with 503 {@code session_service_overloaded} and
 * {@code Retry-After}, before anything else runs for it. Every request runs on
 * its own virtual thread, so nothing else bounds them: past saturation a queue would grow until callers time out,
 * keep sending, and the service runs out of memory. A caller that gets the 503 fails fast instead (the gateway routes
 * statelessly, a cell fails closed), and the service keeps answering what it admitted. The share per tenant keeps one
 * tenant's flood from taking every slot: it is shed while the others' calls are still admitted.
 *
 * <p>The tenant is the verified assertion's (the interceptor runs after the security filter). Callers whose assertion
 * names no tenant (the gateway's own calls) share one tenant's share. Metrics carry no tenant: the shed counter has a
 * {@code scope} tag, {@code tenant} or {@code global}.
 */
final class ConcurrencyLimit implements HandlerInterceptor {

    static final String SHED = "warmpath.session.requests.shed";
    static final String IN_FLIGHT = "warmpath.session.requests.in.flight";

    private static final String ADMITTED = ConcurrencyLimit.class.getName() + ".admitted";
    /** The share of callers without a tenant: an assertion never names the empty tenant. */
    private static final String NO_TENANT = "";

    private final int maxPerTenant;
    private final Semaphore permits;
    /** Requests in flight per tenant; a tenant leaves the map when its last one completes, so it never grows. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final Function<HttpServletRequest, @Nullable String> tenantOf;
    private final Duration retryAfter;
    private final Counter shedForTenant;
    private final Counter shedForAll;

    /**
     * @param tenantOf the tenant of a request, {@code null} when its caller names none
     */
    ConcurrencyLimit(int maxConcurrent, int maxPerTenant, Duration retryAfter, MeterRegistry meters,
            Function<HttpServletRequest, @Nullable String> tenantOf) {
        this.maxPerTenant = maxPerTenant;
        this.permits = new Semaphore(maxConcurrent);
        this.tenantOf = tenantOf;
        this.retryAfter = retryAfter;
        this.shedForTenant = shedCounter(meters, "tenant");
        this.shedForAll = shedCounter(meters, "global");
        Gauge.builder(IN_FLIGHT, permits, available -> maxConcurrent - available.availablePermits())
                .description("API requests being handled").register(meters);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String tenant = tenantOf.apply(request);
        String share = tenant == null ? NO_TENANT : tenant;
        if (!enter(share)) {
            shedForTenant.increment();
            throw new ApiErrorException(Errors.overloadedForTenant(retryAfter));
        }
        if (!permits.tryAcquire()) {
            leave(share);
            shedForAll.increment();
            throw new ApiErrorException(Errors.overloaded(retryAfter));
        }
        request.setAttribute(ADMITTED, share);
        return true;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            @Nullable Exception failure) {
        if (request.getAttribute(ADMITTED) instanceof String share) {
            request.removeAttribute(ADMITTED);
            permits.release();
            leave(share);
        }
    }

    /** How many tenants have requests in flight: for tests that the table forgets idle tenants. */
    int tenantsInFlight() {
        return inFlight.size();
    }

    /**
     * Counts the request against its tenant: within the tenant's share always, beyond it only while more than a share
     * of slots is free, so that taking one leaves a share for the others. Atomic per tenant, so a tenant never
     * overshoots its share; what is free elsewhere may move meanwhile, which only makes borrowing a little early or
     * late.
     */
    private boolean enter(String share) {
        boolean[] entered = {false};
        inFlight.compute(share, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerTenant && permits.availablePermits() <= maxPerTenant) {
                return count;
            }
            entered[0] = true;
            return current + 1;
        });
        return entered[0];
    }

    private void leave(String share) {
        inFlight.computeIfPresent(share, (key, count) -> count <= 1 ? null : count - 1);
    }

    private static Counter shedCounter(MeterRegistry meters, String scope) {
        return Counter.builder(SHED).tag("scope", scope)
                .description("API requests refused with 503 because the service (global) or the caller's tenant "
                        + "(tenant) was at its limit of concurrent requests")
                .register(meters);
    }
}
