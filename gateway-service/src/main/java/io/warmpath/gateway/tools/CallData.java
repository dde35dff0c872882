package io.warmpath.gateway.tools;

import java.util.List;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.sessions.Resolution;
import io.warmpath.gateway.sessions.SessionDirectory;
import io.warmpath.gateway.sessions.TenantDirectory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The class of the data a tool call may carry, as the gateway knows it rather than as the body declares it: the
 * caller's session's (named by {@code x-session-affinity}, resolved like an inference turn's), or else its tenant's
 * default (and the tools the session's tool set trims, whose calls are refused). A body may declare a stricter class, never a weaker one, so an agent in a regulated session cannot send
 * its data to a tool cleared for internal data by saying {@code "data_class": "internal"}.
 *
 * <p>It fails closed like the inference path: an unknown session is 404, and while session-service cannot answer, a
 * session token (whose class only session-service knows) is 503, as is a tenant the gateway never learned.
 */
final class CallData {

    private final SessionDirectory sessions;
    private final TenantDirectory tenants;

    CallData(SessionDirectory sessions, TenantDirectory tenants) {
        this.sessions = sessions;
        this.tenants = tenants;
    }

    /**
     * What the gateway knows of a tool call's data and session.
     *
     * @param dataClass    the class of the data the call may carry
     * @param trimmedTools the tools the caller's session's tool set trims (none without a session)
     */
    record Scope(DataClass dataClass, List<String> trimmedTools) {

        static Scope ofTenant(DataClass dataClass) {
            return new Scope(dataClass, List.of());
        }
    }

    Mono<Scope> scopeOf(ServerWebExchange exchange, Caller caller) {
        String affinity = header(exchange, WarmpathHeaders.SESSION_AFFINITY);
        if (affinity == null) {
            return tenants.dataClassOf(caller.tenant(), sessions.retryAfter()).map(Scope::ofTenant);
        }
        return sessions.resolve(caller, affinity, header(exchange, WarmpathHeaders.WORKFLOW))
                .flatMap(resolution -> switch (resolution) {
                    case Resolution.Found found -> Mono.just(new Scope(found.session().dataClass(),
                            found.session().trimmedTools()));
                    case Resolution.NotFound notFound -> Mono.error(new ApiErrorException(ErrorCode.SESSION_NOT_FOUND,
                            "No open session matches the x-session-affinity value."));
                    case Resolution.WorkflowMismatch mismatch -> Mono.error(new ApiErrorException(
                            ErrorCode.WORKFLOW_MISMATCH,
                            "The session belongs to another workflow than x-workflow names."));
                    case Resolution.Rejected rejected -> Mono.error(new ApiErrorException(
                            ErrorCode.INVALID_SESSION_HEADER,
                            "The x-session-affinity or x-workflow value is not acceptable."));
                    case Resolution.LimitReached limit -> Mono.error(limit.refusal());
                    case Resolution.Refused refused -> Mono.error(new ApiErrorException(ErrorCode.INTERNAL_ERROR,
                            "The gateway failed to handle the request."));
                    case Resolution.Unavailable unavailable when unavailable.overloaded() -> Mono.error(
                            new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_SERVICE_OVERLOADED,
                                    "Sessions are busy right now; retry shortly.", sessions.retryAfter())));
                    case Resolution.Unavailable unavailable when SessionDirectory.isToken(affinity) -> Mono.error(
                            new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_SERVICE_UNAVAILABLE,
                                    "Sessions cannot be checked right now; retry shortly.", sessions.retryAfter())));
                    case Resolution.Unavailable unavailable ->
                            tenants.dataClassOf(caller.tenant(), sessions.retryAfter()).map(Scope::ofTenant);
                });
    }

    private static @Nullable String header(ServerWebExchange exchange, String name) {
        String value = exchange.getRequest().getHeaders().getFirst(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
