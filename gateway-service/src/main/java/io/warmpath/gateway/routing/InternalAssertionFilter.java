package io.warmpath.gateway.routing;

import java.util.List;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.gateway.assertions.GatewayAssertions;
import io.warmpath.gateway.policy.DataScope;
import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.security.Tenants;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The last word before a request leaves the gateway: replaces the caller's credentials by the internal assertion of
 * the service the route goes to ({@code Authorization: Bearer}). A cell also gets the assertions for its own calls
 * about this request, to policy-service and, for a session's turn, to session-service
 * ({@link WarmpathHeaders#POLICY_ASSERTION}, {@link WarmpathHeaders#SESSIONS_ASSERTION}); for a turn of a session
 * that records its transcript, one to artifact-service that may store that session's transcript and nothing else
 * ({@link WarmpathHeaders#ARTIFACTS_ASSERTION}, scope {@link Assertion#TRANSCRIPT_SCOPE} only), and to a session that
 * checkpoints one to store its checkpoints ({@link WarmpathHeaders#CHECKPOINTS_ASSERTION}, scope
 * {@link Assertion#CHECKPOINT_SCOPE} only). artifact-service
 * and session-service get the one for policy-service too (session-service asks it before it creates a session that
 * records its transcript).
 *
 * <p>The assertion says who the caller is (from its token), which data the request carries ({@link DataScope}, as
 * {@code RegionGuard} admitted it) and, for a turn, its session and whether that has limits. Runs once per attempt,
 * after the load balancer; a retried attempt gets the same assertions (they are reused while fresh).
 */
@Component
class InternalAssertionFilter implements GlobalFilter, Ordered {

    static final int ORDER = SessionBindingFilter.ORDER + 1;

    /** The route ids of application.yml, by the service they go to. */
    static final String INFERENCE_ROUTE = "inference";
    static final String SESSIONS_ROUTE = "sessions";
    static final String ARTIFACTS_ROUTE = "artifacts";

    private final GatewayAssertions assertions;

    InternalAssertionFilter(GatewayAssertions assertions) {
        this.assertions = assertions;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String audience = route == null ? null : switch (route.getId()) {
            case INFERENCE_ROUTE -> Audiences.INFERENCE;
            case SESSIONS_ROUTE -> Audiences.SESSIONS;
            case ARTIFACTS_ROUTE -> Audiences.ARTIFACTS;
            default -> null;
        };
        if (audience == null) {
            return chain.filter(exchange);
        }
        return Tenants.callerOf(exchange).flatMap(caller -> {
            Assertion assertion = assertionOf(exchange, caller);
            return chain.filter(exchange.mutate()
                    .request(request -> request.headers(headers -> {
                        headers.setBearerAuth(assertions.mint(assertion, audience));
                        headers.set(WarmpathHeaders.POLICY_ASSERTION, assertions.mint(assertion, Audiences.POLICY));
                        if (audience.equals(Audiences.INFERENCE) && assertion.session() != null) {
                            headers.set(WarmpathHeaders.SESSIONS_ASSERTION,
                                    assertions.mint(assertion, Audiences.SESSIONS));
                            SessionTurn turn = exchange.getAttribute(SessionTurn.ATTRIBUTE);
                            if (turn != null && turn.session.recordTranscript()) {
                                headers.set(WarmpathHeaders.ARTIFACTS_ASSERTION, assertions.mint(
                                        assertion.withScopes(List.of(Assertion.TRANSCRIPT_SCOPE)),
                                        Audiences.ARTIFACTS));
                            }
                            if (turn != null && turn.session.checkpoints()) {
                                headers.set(WarmpathHeaders.CHECKPOINTS_ASSERTION, assertions.mint(
                                        assertion.withScopes(List.of(Assertion.CHECKPOINT_SCOPE)),
                                        Audiences.ARTIFACTS));
                            }
                        }
                    }))
                    .build());
        });
    }

    /**
     * The caller, the admitted data and the session. A request without an admitted scope (listing models, the
     * session API) is about no data in particular: the strictest class, so it licenses nothing weaker.
     */
    private static Assertion assertionOf(ServerWebExchange exchange, Caller caller) {
        DataScope scope = exchange.getAttribute(DataScope.ATTRIBUTE);
        SessionTurn turn = exchange.getAttribute(SessionTurn.ATTRIBUTE);
        String workflow = turn != null && turn.session.workflow() != null ? turn.session.workflow()
                : header(exchange, WarmpathHeaders.WORKFLOW);
        return caller.assertion(workflow, scope == null ? DataClass.STRICTEST : scope.dataClass(),
                scope == null ? null : scope.region(), turn == null ? null : turn.session.sessionId(),
                turn != null && turn.session.limited());
    }

    private static @Nullable String header(ServerWebExchange exchange, String name) {
        String value = exchange.getRequest().getHeaders().getFirst(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
