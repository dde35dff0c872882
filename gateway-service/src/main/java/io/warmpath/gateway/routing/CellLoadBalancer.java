package io.warmpath.gateway.routing;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.gateway.policy.RegionPermit;
import io.warmpath.routing.Cell;
import io.warmpath.routing.CellPool;
import io.warmpath.routing.PickRequest;
import io.warmpath.routing.RoutingPolicy;
import io.warmpath.routing.StickyDecision;
import io.warmpath.routing.StickyPolicy;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

/**
 * The load balancer of the {@code inference-cells} service: picks the cell for a request with routing-core's
 * configured policy.
 *
 * <p>It reads the {@link RoutingTarget} that {@link InferenceRequestFilter} left in the exchange attributes (which
 * the gateway passes as {@link RequestDataContext#getClientRequest()}{@code .getAttributes()}). The pool is every
 * known cell serving the model, memoized per membership so the hash ring is built once; unhealthy, ejected and
 * already-tried cells are excluded per request, which keeps every key's ring position stable while cells come and
 * go. Load is the gateway's in-flight requests on a cell plus the queue the cell reports.
 *
 * <p>For a resolved session ({@link SessionTurn} attribute) under the {@code sticky} policy it asks
 * {@link StickyPolicy#decide} with the session's stored binding and the turn's estimated prompt, and records the
 * decision in the turn for {@link SessionBindingFilter}.
 *
 * <p>Cells outside the request's {@link RegionPermit} (regional policy) are excluded like unhealthy ones, so the
 * ring stays the same for every permit.
 *
 * <p>Rather than an empty response, it fails with an {@link ApiErrorException}: 404 {@code model_not_found} when no
 * cell serves the model, 503 with {@code Retry-After} when none of those cells can take the request.
 */
final class CellLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private static final Duration NO_CELL_RETRY_AFTER = Duration.ofSeconds(2);

    private final CellRegistry registry;
    private final RoutingPolicy policy;
    private final Cache<List<Cell>, CellPool> poolsByMembership = Caffeine.newBuilder().maximumSize(256).build();
    private final Counter routed;
    private final Counter noCell;
    private final Counter unknownModel;

    CellLoadBalancer(CellRegistry registry, RoutingPolicy policy, MeterRegistry meterRegistry) {
        this.registry = registry;
        this.policy = policy;
        this.routed = decisions(meterRegistry, "routed");
        this.noCell = decisions(meterRegistry, "no_cell");
        this.unknownModel = decisions(meterRegistry, "unknown_model");
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature of ReactorLoadBalancer
    public Mono<Response<ServiceInstance>> choose(Request request) {
        return Mono.fromCallable(() -> choose(attributesOf(request)));
    }

    private Response<ServiceInstance> choose(Map<String, Object> attributes) {
        RoutingTarget target = (RoutingTarget) attributes.getOrDefault(RoutingTarget.ATTRIBUTE, RoutingTarget.ANY_CELL);
        CellAttempts attempts = (CellAttempts) attributes.get(CellAttempts.ATTRIBUTE);
        SessionTurn turn = (SessionTurn) attributes.get(SessionTurn.ATTRIBUTE);
        String model = target.model();
        List<CellSnapshot> known = registry.snapshot();
        List<CellSnapshot> candidates = known.stream()
                .filter(cell -> model == null || cell.serves(model))
                .toList();
        if (candidates.isEmpty() && model != null) {
            unknownModel.increment();
            throw new ApiErrorException(ErrorCode.MODEL_NOT_FOUND, "The model '" + model + "' is not served by any cell.");
        }
        CellPool pool = poolsByMembership.get(candidates.stream().map(CellSnapshot::cell).toList(), CellPool::of);
        BitSet excluded = new BitSet(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            CellSnapshot cell = candidates.get(i);
            if (!cell.eligible() || (attempts != null && attempts.tried(cell.id()))
                    || !RegionPermit.admits(attributes, cell.instance())) {
                excluded.set(i);
            }
        }
        PickRequest pick = new PickRequest(target.key(), i -> candidates.get(i).load(), excluded);
        OptionalInt picked;
        if (turn != null && policy instanceof StickyPolicy sticky) {
            StickyDecision decision = sticky.decide(pool, pick.withSession(turn.binding(), turn.estimatedPromptTokens));
            picked = decision.cell();
            picked.ifPresent(chosen -> turn.decided(decision, candidates.get(chosen).id(),
                    reasonTag(decision, turn, known)));
        } else {
            picked = policy.pick(pool, pick);
        }
        if (picked.isEmpty()) {
            noCell.increment();
            throw new ApiErrorException(ApiError.retryable(ErrorCode.NO_HEALTHY_CELL,
                    model == null ? "No healthy inference cell is available."
                            : "No healthy inference cell is available for model '" + model + "'.",
                    NO_CELL_RETRY_AFTER));
        }
        routed.increment();
        return new DefaultResponse(candidates.get(picked.getAsInt()).instance());
    }

    /**
     * The decision's reason as session-service records it. A bound cell missing from the model's pool is
     * {@code rebind_model} when the session changed model or the cell is still known but serves another model, and
     * {@code rebind_gone} when it left discovery.
     */
    private static String reasonTag(StickyDecision decision, SessionTurn turn, List<CellSnapshot> known) {
        if (decision.reason() != StickyDecision.Reason.GONE || turn.session.binding() == null) {
            return decision.reason().tag();
        }
        String boundCell = turn.session.binding().cellId();
        String boundModel = turn.session.binding().model();
        boolean modelChanged = boundModel != null && !boundModel.equals(turn.model);
        boolean stillKnown = known.stream().anyMatch(cell -> cell.id().equals(boundCell));
        return modelChanged || stillKnown ? "rebind_model" : decision.reason().tag();
    }

    private static Map<String, Object> attributesOf(Request<?> request) {
        if (request.getContext() instanceof RequestDataContext context) {
            RequestData clientRequest = context.getClientRequest();
            if (clientRequest != null && clientRequest.getAttributes() != null) {
                return clientRequest.getAttributes();
            }
        }
        return Map.of();
    }

    private Counter decisions(MeterRegistry meterRegistry, String outcome) {
        return Counter.builder("warmpath.gateway.routing.decisions")
                .description("Cell choices by routing policy and outcome")
                .tag("policy", policy.name())
                .tag("outcome", outcome)
                .register(meterRegistry);
    }
}
