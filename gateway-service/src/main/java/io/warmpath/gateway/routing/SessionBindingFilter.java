package io.warmpath.gateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.gateway.sessions.SessionDirectory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Runs after the load balancer chose a cell for a session's turn, once per attempt: tells the cell how many of the
 * prompt's tokens routing expects it to hold ({@link WarmpathHeaders#PREDICTED_CACHED_TOKENS}, a measurement hint;
 * the session itself travels in the request's assertion), counts the binding outcome, and, once the cell has answered
 * with a status below 500, stores the binding when the decision created or moved it.
 */
@Component
class SessionBindingFilter implements GlobalFilter, Ordered {

    static final int ORDER = CellCallFilter.ORDER + 1;

    private final SessionDirectory sessions;
    private final MeterRegistry meters;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    SessionBindingFilter(SessionDirectory sessions, MeterRegistry meters) {
        this.sessions = sessions;
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        SessionTurn turn = exchange.getAttribute(SessionTurn.ATTRIBUTE);
        if (turn == null) {
            return chain.filter(exchange);
        }
        SessionTurn.Choice choice = turn.latest();
        long predictedCached = choice == null ? 0 : choice.decision().predictedCachedTokens();
        if (choice != null) {
            outcome(choice).increment();
        }
        return chain.filter(exchange.mutate()
                .request(request -> request.headers(headers ->
                        headers.set(WarmpathHeaders.PREDICTED_CACHED_TOKENS, Long.toString(predictedCached))))
                .build())
                // The routing filter completes once the cell's status and headers are in (the body follows): only
                // a cell that answered, and not with a 5xx, gets the binding. A refused connect errors instead, and
                // the retry's own attempt decides again.
                .doOnSuccess(done -> {
                    if (choice == null || !answered(exchange)) {
                        return;
                    }
                    if (choice.decision().bindingChanged()) {
                        sessions.storeBinding(turn.caller, turn.affinity, turn.session, choice.cellId(), turn.model,
                                choice.reason());
                    }
                    HttpStatusCode status = exchange.getResponse().getStatusCode();
                    if (status != null && status.is2xxSuccessful()) {
                        // Only a served turn left its prompt in the engine's cache.
                        sessions.served(turn.caller, turn.affinity, choice.cellId(), turn.model,
                                turn.estimatedPromptTokens);
                    }
                });
    }

    private static boolean answered(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status != null && !status.is5xxServerError();
    }

    private Counter outcome(SessionTurn.Choice choice) {
        String outcome = choice.decision().outcome().tag();
        return outcomes.computeIfAbsent(outcome + '/' + choice.reason(), ignored -> Counter.builder("warmpath.gateway.binding")
                .description("Sticky routing decisions for session turns: binding hit, new binding or rebind, by reason")
                .tag("outcome", outcome)
                .tag("reason", choice.reason())
                .register(meters));
    }
}
