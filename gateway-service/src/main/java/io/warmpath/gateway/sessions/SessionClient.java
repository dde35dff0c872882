package io.warmpath.gateway.sessions;

import java.time.Duration;

import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.BindRequest;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.ResolveRequest;
import io.warmpath.contracts.sessions.SessionServiceApi;
import io.warmpath.gateway.assertions.GatewayAssertions;
import io.warmpath.gateway.security.Caller;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * session-service's internal API as routing uses it, non-blocking and with a short timeout: routing waits for it, so
 * a slow session-service must cost a turn little. Each call carries the caller's assertion for session-service.
 * Never fails: every outcome, including "down", is a value.
 */
final class SessionClient {

    private final SessionServiceApi sessions;
    private final GatewayAssertions assertions;
    private final Duration timeout;

    SessionClient(SessionServiceApi sessions, GatewayAssertions assertions, Duration timeout) {
        this.sessions = sessions;
        this.assertions = assertions;
        this.timeout = timeout;
    }

    /** {@code POST /internal/resolve}. */
    Mono<Resolution> resolve(Caller caller, String affinity, @Nullable String workflow) {
        return Mono.defer(() -> sessions.resolve(bearer(caller), new ResolveRequest(affinity, workflow)))
                .<Resolution>map(session -> session.sessionId() == null || session.sessionId().isBlank()
                        ? new Resolution.Unavailable("resolution without session id")
                        : new Resolution.Found(session))
                .defaultIfEmpty(new Resolution.Unavailable("empty resolution"))
                .timeout(timeout)
                .onErrorResume(WebClientResponseException.class, answered -> Mono.just(resolutionOf(answered)))
                .onErrorResume(failure -> Mono.just(new Resolution.Unavailable(failure.getClass().getSimpleName())));
    }

    /** {@code PUT /internal/sessions/{id}/binding}, compare-and-set on the expected epoch. */
    Mono<BindingWrite> bind(Caller caller, String sessionId, BindRequest update) {
        return Mono.defer(() -> sessions.bind(bearer(caller), sessionId, update))
                .<BindingWrite>map(BindingWrite.Stored::new)
                .defaultIfEmpty(new BindingWrite.Failed("empty binding"))
                .timeout(timeout)
                .onErrorResume(WebClientResponseException.class, answered -> Mono.just(
                        answered.getStatusCode().value() == 409 ? new BindingWrite.Conflict()
                                : new BindingWrite.Failed("status " + answered.getStatusCode().value())))
                .onErrorResume(failure -> Mono.just(new BindingWrite.Failed(failure.getClass().getSimpleName())));
    }

    private String bearer(Caller caller) {
        return "Bearer " + assertions.mint(caller.assertion(), Audiences.SESSIONS);
    }

    private static Resolution resolutionOf(WebClientResponseException answered) {
        return switch (answered.getStatusCode().value()) {
            case 404 -> new Resolution.NotFound();
            case 403 -> new Resolution.WorkflowMismatch();
            case 400 -> new Resolution.Rejected();
            case 401 -> new Resolution.Refused();
            case 429 -> new Resolution.LimitReached(retryAfterOf(answered));
            case 503 -> new Resolution.Unavailable(answered.getResponseBodyAsString()
                    .contains("\"" + ErrorCode.SESSION_SERVICE_OVERLOADED.code() + "\"")
                    ? Resolution.Unavailable.OVERLOADED : "status 503");
            default -> new Resolution.Unavailable("status " + answered.getStatusCode().value());
        };
    }

    private static Duration retryAfterOf(WebClientResponseException answered) {
        String seconds = answered.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        try {
            return Duration.ofSeconds(seconds == null ? 1 : Math.max(1, Long.parseLong(seconds.strip())));
        } catch (NumberFormatException notSeconds) {
            return Duration.ofSeconds(1);
        }
    }

    /** How a binding write ended. */
    sealed interface BindingWrite {

        record Stored(Binding binding) implements BindingWrite {
        }

        /** Another writer moved the binding first (the expected epoch was stale). */
        record Conflict() implements BindingWrite {
        }

        record Failed(String cause) implements BindingWrite {
        }
    }
}
