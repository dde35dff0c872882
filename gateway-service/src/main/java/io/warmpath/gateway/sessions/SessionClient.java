package io.warmpath.gateway.sessions;

import java.time.Duration;

import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.security.TrustedHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * session-service's internal API, non-blocking and with a short timeout: routing waits for it, so a slow
 * session-service must cost a turn little. Never fails: every outcome, including "down", is a value.
 */
final class SessionClient {

    private final WebClient webClient;
    private final Duration timeout;

    SessionClient(WebClient webClient, Duration timeout) {
        this.webClient = webClient;
        this.timeout = timeout;
    }

    /** {@code POST /internal/resolve}. */
    Mono<Resolution> resolve(Caller caller, String affinity, @Nullable String workflow) {
        return webClient.post()
                .uri("/internal/resolve")
                .headers(headers -> trusted(headers, caller))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new SessionServiceMessages.ResolveRequest(affinity, workflow))
                .exchangeToMono(SessionClient::toResolution)
                .timeout(timeout)
                .onErrorResume(failure -> Mono.just(new Resolution.Unavailable(failure.getClass().getSimpleName())));
    }

    /** {@code PUT /internal/sessions/{id}/binding}, compare-and-set on the expected epoch. */
    Mono<BindingWrite> bind(Caller caller, String sessionId, SessionServiceMessages.BindingUpdate update) {
        return webClient.put()
                .uri("/internal/sessions/{id}/binding", sessionId)
                .headers(headers -> trusted(headers, caller))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(update)
                .exchangeToMono(SessionClient::toBindingWrite)
                .timeout(timeout)
                .onErrorResume(failure -> Mono.just(new BindingWrite.Failed(failure.getClass().getSimpleName())));
    }

    private static Mono<Resolution> toResolution(ClientResponse response) {
        return switch (response.statusCode().value()) {
            case 200 -> response.bodyToMono(SessionServiceMessages.ResolveResponse.class)
                    .<Resolution>map(body -> body.sessionId() == null || body.sessionId().isBlank()
                            ? new Resolution.Unavailable("resolution without session id")
                            : new Resolution.Found(body.toSession()))
                    .defaultIfEmpty(new Resolution.Unavailable("empty resolution"));
            case 404 -> response.releaseBody().thenReturn(new Resolution.NotFound());
            case 403 -> response.releaseBody().thenReturn(new Resolution.WorkflowMismatch());
            case 400 -> response.releaseBody().thenReturn(new Resolution.Rejected());
            case 401 -> response.releaseBody().thenReturn(new Resolution.Refused());
            case 503 -> response.bodyToMono(String.class).defaultIfEmpty("")
                    .map(body -> new Resolution.Unavailable(body.contains("\"session_service_overloaded\"")
                            ? Resolution.Unavailable.OVERLOADED : "status 503"));
            default -> response.releaseBody()
                    .thenReturn(new Resolution.Unavailable("status " + response.statusCode().value()));
        };
    }

    private static Mono<BindingWrite> toBindingWrite(ClientResponse response) {
        return switch (response.statusCode().value()) {
            case 200 -> response.bodyToMono(SessionServiceMessages.BindingResponse.class)
                    .<BindingWrite>map(body -> new BindingWrite.Stored(body.toBinding()))
                    .defaultIfEmpty(new BindingWrite.Failed("empty binding"));
            case 409 -> response.releaseBody().thenReturn(new BindingWrite.Conflict());
            default -> response.releaseBody()
                    .thenReturn(new BindingWrite.Failed("status " + response.statusCode().value()));
        };
    }

    private static void trusted(HttpHeaders headers, Caller caller) {
        headers.set(TrustedHeaders.TENANT, caller.tenant());
        if (caller.subject() != null) {
            headers.set(TrustedHeaders.SUBJECT, caller.subject());
        }
    }

    /** How a binding write ended. */
    sealed interface BindingWrite {

        record Stored(StoredBinding binding) implements BindingWrite {
        }

        /** Another writer moved the binding first (the expected epoch was stale). */
        record Conflict() implements BindingWrite {
        }

        record Failed(String cause) implements BindingWrite {
        }
    }
}
