package io.warmpath.gateway.routing;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.gateway.limits.RateLimiter;
import io.warmpath.gateway.models.CostAwareRouting;
import io.warmpath.gateway.policy.DataScope;
import io.warmpath.gateway.policy.RegionGuard;
import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.security.Tenants;
import io.warmpath.gateway.sessions.Resolution;
import io.warmpath.gateway.sessions.SessionDirectory;
import io.warmpath.gateway.sessions.TenantDirectory;
import io.warmpath.gateway.web.CachedBodies;
import io.warmpath.routing.RoutingKeys;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Prepares an inference request for the load balancer: caches and reads the body once, validates it, and puts the
 * {@link RoutingTarget} (model and routing key) into the exchange attributes. It also owns the request's
 * {@link CellAttempts}, releasing their in-flight leases when the response is completely written.
 *
 * <p>With {@code x-session-affinity} (or, without it, a chat request's {@code prompt_cache_key}, OpenAI's own
 * cache-routing field) it resolves the session through session-service (tenant from the token,
 * {@code x-workflow} as the workflow) and adds a {@link SessionTurn} for sticky routing. An unknown token is 404
 * {@code session_not_found}, another workflow's session 403 {@code workflow_mismatch}; session-service refusing the
 * gateway's assertion (401) is 500 {@code internal_error}, logged. When session-service sheds the call for load, the
 * turn is a 503 {@code session_service_overloaded} with {@code Retry-After}: load is not an outage. When
 * session-service is unavailable, a token ({@code wpt_...}) fails closed with 503 {@code session_service_unavailable},
 * since only session-service can say whose it is; any other value is routed statelessly by its tenant-scoped key,
 * without a session, with its tenant's default data class ({@link TenantDirectory}), and counted as degraded; a tenant
 * whose defaults are regulated, or were never learned, fails closed instead.
 *
 * <p>Before any of that, {@link RateLimiter} holds the request to its tenant's and API key's rate limits (429 over
 * one). A request without a session carries its tenant's default data class. Before routing, {@link RegionGuard} decides
 * which regions may process the request's data (403 {@code region_not_allowed} when none) and records it for the
 * request's assertion, which the cell re-checks.
 *
 * <p>Ordered outside {@link NettyWriteResponseFilter}, so "completely written" includes the whole of a stream, and
 * outside the route's CellRetry filter, so a retried request is parsed and resolved only once.
 */
@Component
class InferenceRequestFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(InferenceRequestFilter.class);

    static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private final InferenceRequestReader reader;
    private final SessionDirectory sessions;
    private final TenantDirectory tenants;
    private final RegionGuard regionGuard;
    private final RateLimiter rateLimiter;
    private final CostAwareRouting modelRouting;
    private final Counter routedStatelessly;
    private final Counter failedClosed;

    InferenceRequestFilter(SessionDirectory sessions, TenantDirectory tenants, RegionGuard regionGuard,
            RateLimiter rateLimiter, CostAwareRouting modelRouting, RequestFieldsProperties requestFields,
            MeterRegistry meters) {
        this.rateLimiter = rateLimiter;
        this.modelRouting = modelRouting;
        this.reader = new InferenceRequestReader(new RequestFields(requestFields.allow()));
        this.sessions = sessions;
        this.tenants = tenants;
        this.regionGuard = regionGuard;
        this.routedStatelessly = degraded(meters, "stateless");
        this.failedClosed = degraded(meters, "fail_closed");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        InferenceEndpoint endpoint = InferenceEndpoint.forPath(exchange.getRequest().getPath().value()).orElse(null);
        if (endpoint == null) {
            return chain.filter(exchange);
        }
        RequestDeadline deadline;
        try {
            deadline = RequestDeadline.parse(header(exchange, WarmpathHeaders.REQUEST_TIMEOUT_MS));
        }
        catch (ApiErrorException invalid) {
            return Mono.error(invalid);
        }
        if (deadline != null && deadline.passed()) {
            // A deadline already spent: nothing is resolved, limited or sent on for it.
            return Mono.error(RequestDeadline.exceeded("The request's x-request-timeout-ms had run out on arrival."));
        }
        if (deadline != null) {
            exchange.getAttributes().put(RequestDeadline.ATTRIBUTE, deadline);
        }
        CellAttempts attempts = new CellAttempts();
        exchange.getAttributes().put(CellAttempts.ATTRIBUTE, attempts);
        return Tenants.callerOf(exchange).flatMap(caller -> routeByBody(exchange, chain, endpoint, caller))
                .doFinally(signal -> attempts.finishAll());
    }

    private Mono<Void> routeByBody(ServerWebExchange exchange, GatewayFilterChain chain, InferenceEndpoint endpoint,
            Caller caller) {
        return ServerWebExchangeUtils.cacheRequestBody(exchange, request -> {
            ServerWebExchange cached = request == exchange.getRequest() ? exchange : exchange.mutate().request(request).build();
            byte[] body = CachedBodies.cachedBody(exchange);
            // Validated before the session is resolved: a bad body costs session-service nothing.
            RoutingTarget target = reader.read(endpoint, body, caller.tenant(),
                    header(exchange, WarmpathHeaders.SESSION_AFFINITY));
            exchange.getAttributes().put(RoutingTarget.ATTRIBUTE, target);
            // Limited before the session is resolved: a tenant over its rate costs session-service nothing.
            return rateLimiter.limit(cached, caller, SessionTurn.estimatePromptTokens(body.length),
                    target.completionTokens(), limited -> route(limited, chain, caller, target, body.length));
        });
    }

    private Mono<Void> route(ServerWebExchange received, GatewayFilterChain chain, Caller caller,
            RoutingTarget requested, int bodyBytes) {
        String affinity = requested.affinity();
        if (affinity == null) {
            ServerWebExchange exchange = routedModel(received, caller, requested, bodyBytes, null);
            RoutingTarget target = exchange.getRequiredAttribute(RoutingTarget.ATTRIBUTE);
            return tenantScope(caller)
                    .flatMap(scope -> regionGuard.admit(exchange, caller, target.model(), scope))
                    .flatMap(chain::filter);
        }
        ServerWebExchange exchange = received;
        RoutingTarget target = requested;
        tenants.learn(caller.tenant());
        return sessions.resolve(caller, affinity, header(exchange, WarmpathHeaders.WORKFLOW))
                .flatMap(resolution -> routeSession(exchange, chain, caller, affinity, target, bodyBytes, resolution));
    }

    /**
     * The exchange with its model chosen, when the request names a routing alias: the body names the model the
     * routing chose and the routing target is for it, and the response says why ({@link WarmpathHeaders#MODEL_ROUTE}).
     * Any other request's exchange as it was.
     */
    private ServerWebExchange routedModel(ServerWebExchange exchange, Caller caller, RoutingTarget target,
            int bodyBytes, @Nullable Binding binding) {
        // Most requests name a model: they pay for no lookup of where their session is warm.
        if (target.model() == null || !modelRouting.isRoutingAlias(target.model(), caller.tenant())) {
            return exchange;
        }
        Map<String, Long> held = new HashMap<>(target.affinity() == null ? Map.of()
                : sessions.heldPromptsByModel(caller, target.affinity()));
        if (binding != null && binding.model() != null) {
            held.merge(binding.model(), binding.promptTokensHeld(), Math::max);
        }
        Optional<CostAwareRouting.Decision> decision = modelRouting.decide(target.model(), caller.tenant(),
                header(exchange, WarmpathHeaders.WORKLOAD_CLASS), SessionTurn.estimatePromptTokens(bodyBytes),
                target.completionTokens(), held);
        if (decision.isEmpty()) {
            return exchange;
        }
        String route = decision.get().headerValue();
        exchange.getResponse().getHeaders().set(WarmpathHeaders.MODEL_ROUTE, route);
        exchange.getAttributes().put(RoutingTarget.ATTRIBUTE, target.withModel(decision.get().model()));
        // The cell records the decision with the turn's usage.
        ServerWebExchange routed = CachedBodies.withBody(exchange, InferenceRequestReader.withModel(
                CachedBodies.cachedBody(exchange), decision.get().model()));
        return routed.mutate().request(request -> request.headers(headers ->
                headers.set(WarmpathHeaders.MODEL_ROUTE, route))).build();
    }

    private Mono<Void> routeSession(ServerWebExchange received, GatewayFilterChain chain, Caller caller,
            String affinity, RoutingTarget requested, int bodyBytes, Resolution resolution) {
        ServerWebExchange exchange = resolution instanceof Resolution.Found found
                ? routedModel(received, caller, requested, bodyBytes, found.session().binding())
                : routedModel(received, caller, requested, bodyBytes, null);
        RoutingTarget target = exchange.getRequiredAttribute(RoutingTarget.ATTRIBUTE);
        return switch (resolution) {
            case Resolution.Found found -> {
                // Tokens rotate, so a token session is placed by its id; an implicit one keeps the key it has when
                // session-service is down, so a new binding lands where degraded routing would send it.
                if (!found.session().implicit()) {
                    exchange.getAttributes().put(RoutingTarget.ATTRIBUTE,
                            target.withKey(RoutingKeys.session(caller.tenant(), found.session().sessionId())));
                }
                exchange.getAttributes().put(SessionTurn.ATTRIBUTE, new SessionTurn(caller, affinity, found.session(),
                        target.model(), SessionTurn.estimatePromptTokens(bodyBytes)));
                yield regionGuard.admit(exchange, caller, target.model(),
                        new DataScope(found.session().dataClass(), found.session().region())).flatMap(chain::filter);
            }
            case Resolution.NotFound notFound -> Mono.error(new ApiErrorException(ErrorCode.SESSION_NOT_FOUND,
                    "No open session matches the x-session-affinity value."));
            case Resolution.WorkflowMismatch mismatch -> Mono.error(new ApiErrorException(ErrorCode.WORKFLOW_MISMATCH,
                    "The session belongs to another workflow than x-workflow names."));
            case Resolution.Rejected rejected -> Mono.error(new ApiErrorException(ErrorCode.INVALID_SESSION_HEADER,
                    "The x-session-affinity value (too long) or the x-workflow value (it must match "
                            + "[a-z0-9._-]{1,64}) is not acceptable."));
            case Resolution.LimitReached limit -> Mono.error(limit.refusal());
            case Resolution.Refused refused -> {
                // The tenant was validated with the token, so session-service should never refuse it: a bug or a
                // misdeployment (another header contract), which retrying or another cell will not cure.
                log.error("session-service refused the gateway's assertion (401): its key set lacks the gateway's "
                        + "signing key, or the deployments disagree");
                yield Mono.error(new ApiErrorException(ErrorCode.INTERNAL_ERROR,
                        "The gateway failed to handle the request."));
            }
            case Resolution.Unavailable unavailable when unavailable.overloaded() ->
                    // Shed for load: session-service is up, and this turn's session is only a retry away. Serving
                    // it without its session would let one tenant's flood weaken everyone's handling.
                    Mono.error(new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_SERVICE_OVERLOADED,
                            "Sessions are busy right now; retry shortly.", sessions.retryAfter())));
            case Resolution.Unavailable unavailable -> {
                if (SessionDirectory.isToken(affinity)) {
                    failedClosed.increment();
                    yield Mono.error(unavailable("Sessions cannot be checked right now; retry shortly."));
                }
                // An implicit session during an outage: served without its session, never more weakly than its
                // tenant's defaults: not at all for regulated data, or when its sessions have budgets.
                yield tenants.dataClassOfUnresolvedSession(caller.tenant(), sessions.retryAfter())
                        .doOnError(ApiErrorException.class, refused -> failedClosed.increment())
                        .flatMap(dataClass -> {
                            if (dataClass == DataClass.REGULATED) {
                                failedClosed.increment();
                                return Mono.error(unavailable("Regulated sessions cannot be served while sessions "
                                        + "cannot be checked; retry shortly."));
                            }
                            return regionGuard.admit(exchange, caller, target.model(), new DataScope(dataClass, null));
                        })
                        .doOnNext(admitted -> routedStatelessly.increment())
                        .flatMap(chain::filter);
            }
        };
    }

    /**
     * The data of a request without a session: its tenant's default class, as session-service configures it. A
     * tenant whose defaults the gateway never learned, while session-service cannot say, is taken as
     * {@code unknown-tenant-data-class} (the strictest by default, which fails closed).
     */
    private Mono<DataScope> tenantScope(Caller caller) {
        return tenants.dataClassOf(caller.tenant(), sessions.retryAfter())
                .map(dataClass -> new DataScope(dataClass, null))
                .doOnError(ApiErrorException.class, refused -> failedClosed.increment());
    }

    private ApiErrorException unavailable(String message) {
        return new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_SERVICE_UNAVAILABLE, message,
                sessions.retryAfter()));
    }

    private static @Nullable String header(ServerWebExchange exchange, String name) {
        String value = exchange.getRequest().getHeaders().getFirst(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Counter degraded(MeterRegistry meters, String decision) {
        return Counter.builder("warmpath.gateway.sessions.degraded")
                .description("Requests decided without session-service: routed statelessly, or refused (tokens, "
                        + "regulated data, unknown tenants)")
                .tag("decision", decision)
                .register(meters);
    }
}
