package io.warmpath.gateway.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.gateway.security.Caller;
import io.warmpath.policy.client.Decision;
import io.warmpath.policy.client.PolicyClient;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Decides, per inference request, which regions may process it, and records the request's {@link DataScope}, which
 * its internal assertion carries to the cell for its own check.
 *
 * <p>The question is asked once per distinct region of the cells serving the model (one batch; allows are cached by
 * the {@link PolicyClient}): action {@code infer}, resource {@code Cell} with the region as its id, the request's data
 * class and pinned region ({@link DataScope}: the session's, else its tenant's defaults) with the pinned region as
 * context {@code data_region}. Per-cell policies are enforced by each cell's own re-check.
 *
 * <ul>
 *   <li>Some region allowed: a {@link RegionPermit} limits the load balancer to cells there.</li>
 *   <li>None allowed and every answer a deny: 403 {@code region_not_allowed}.</li>
 *   <li>None allowed and some answer missing (policy-service failed, timed out or is down): 503
 *       {@code policy_unavailable} with {@code Retry-After}: fail closed, but not a verdict on the request.</li>
 *   <li>policy-service refused the question (the caller's claims): 400 {@code invalid_token_claims}.</li>
 * </ul>
 * Metrics: {@code warmpath.gateway.policy.region_checks{outcome}}: {@code allowed}, {@code region_not_allowed},
 * {@code policy_unavailable}, {@code invalid_claims}.
 */
public final class RegionGuard {

    /** The name of cells without a {@code region} label in questions and messages. */
    static final String UNLABELLED = "unlabelled";

    private final @Nullable PolicyClient policies;
    private final CellRegistry cells;
    private final GatewayPolicyProperties properties;
    private final MeterRegistry meters;

    RegionGuard(@Nullable PolicyClient policies, CellRegistry cells, GatewayPolicyProperties properties,
            MeterRegistry meters) {
        this.policies = policies;
        this.cells = cells;
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Admits an inference request: records its {@link DataScope} and, when checks are enabled, the
     * {@link RegionPermit}; or fails with an {@link ApiErrorException} (400, 403 or 503).
     *
     * @param model the requested model; {@code null} when it names none
     * @param scope the request's data: its session's, else its tenant's defaults
     * @return the exchange to route
     */
    public Mono<ServerWebExchange> admit(ServerWebExchange exchange, Caller caller, @Nullable String model,
            DataScope scope) {
        DataClass dataClass = scope.dataClass();
        @Nullable String dataRegion = scope.region();
        return permit(caller.principal(), model, dataClass, dataRegion).map(permit -> {
            exchange.getAttributes().put(DataScope.ATTRIBUTE, scope);
            permit.ifPresent(allowed -> exchange.getAttributes().put(RegionPermit.ATTRIBUTE, allowed));
            return exchange;
        });
    }

    private Mono<Optional<RegionPermit>> permit(Principal principal, @Nullable String model,
            DataClass dataClass, @Nullable String dataRegion) {
        if (policies == null) {
            return Mono.just(Optional.empty());
        }
        List<String> regions = candidateRegions(model);
        if (regions.isEmpty()) {
            // No cell serves the model: the load balancer answers 404 model_not_found; nothing to decide.
            return Mono.just(Optional.empty());
        }
        return policies.decide(questions(principal, regions, dataClass, dataRegion)).map(decisions -> {
            Verdicts verdicts = Verdicts.of(regions, decisions);
            if (!verdicts.allowed().isEmpty()) {
                count("allowed");
                return Optional.of(new RegionPermit(verdicts.allowed()));
            }
            throw refusal(model, dataClass, regions, decisions, verdicts.anyUnanswered(), verdicts.claimsRefused());
        });
    }

    /**
     * Which of {@code regions} (of cells; {@code ""} for unlabelled ones) may process data of {@code scope} for the
     * caller: all of them when checks are off. For listing what a caller may use, so no region allowed is an empty
     * answer rather than a refusal; a policy-service that cannot answer fails closed (503), claims it refuses are a
     * 400, as for {@link #admit}.
     */
    public Mono<Set<String>> regionsAllowed(Caller caller, DataScope scope, Set<String> regions) {
        if (policies == null || regions.isEmpty()) {
            return Mono.just(Set.copyOf(regions));
        }
        List<String> asked = List.copyOf(regions);
        return policies.decide(questions(caller.principal(), asked, scope.dataClass(), scope.region()))
                .map(decisions -> {
                    Verdicts verdicts = Verdicts.of(asked, decisions);
                    if (verdicts.allowed().isEmpty() && (verdicts.claimsRefused() || verdicts.anyUnanswered())) {
                        throw refusal(null, scope.dataClass(), asked, decisions, verdicts.anyUnanswered(),
                                verdicts.claimsRefused());
                    }
                    // A region whose answer is missing is left out: the list errs on the side of less.
                    return verdicts.allowed();
                });
    }

    /** What policy-service said about each region asked. */
    private record Verdicts(Set<String> allowed, boolean anyUnanswered, boolean claimsRefused) {

        static Verdicts of(List<String> regions, List<Decision> decisions) {
            Set<String> allowed = new TreeSet<>();
            boolean anyUnanswered = false;
            boolean claimsRefused = false;
            for (int i = 0; i < decisions.size(); i++) {
                Decision decision = decisions.get(i);
                if (decision.allowed()) {
                    allowed.add(regions.get(i));
                } else if (decision.outcome() == Decision.Outcome.REJECTED) {
                    claimsRefused = true;
                } else if (decision.outcome() != Decision.Outcome.DENIED) {
                    anyUnanswered = true;
                }
            }
            return new Verdicts(allowed, anyUnanswered, claimsRefused);
        }
    }

    private static List<DecisionRequest> questions(Principal principal, List<String> regions, DataClass dataClass,
            @Nullable String dataRegion) {
        Map<String, Object> context = dataRegion == null ? Map.of() : Map.of("data_region", dataRegion);
        List<DecisionRequest> questions = new ArrayList<>(regions.size());
        for (String region : regions) {
            // The question is about a region, so the region names the cell; unlabelled cells share one name.
            Resource cells = region.isEmpty() ? Resource.cell(UNLABELLED, null, dataClass)
                    : Resource.cell(region, region, dataClass);
            questions.add(new DecisionRequest(principal, "infer", cells, context));
        }
        return questions;
    }

    private ApiErrorException refusal(@Nullable String model, DataClass dataClass, List<String> regions,
            List<Decision> decisions, boolean anyUnanswered, boolean claimsRefused) {
        if (claimsRefused) {
            count("invalid_claims");
            return new ApiErrorException(ErrorCode.INVALID_TOKEN_CLAIMS,
                    "Policy cannot work with the token's claims (clearance, region or roles).");
        }
        if (anyUnanswered) {
            count("policy_unavailable");
            return new ApiErrorException(ApiError.retryable(ErrorCode.POLICY_UNAVAILABLE,
                    "Regional policy cannot be checked right now; retry shortly.", properties.retryAfter()));
        }
        count("region_not_allowed");
        String reasons = decisions.stream().map(Decision::reason).distinct().collect(Collectors.joining("; "));
        return new ApiErrorException(ApiError.of(ErrorCode.REGION_NOT_ALLOWED,
                "No cell in a region allowed for " + dataClass.wireName() + " data serves "
                        + (model == null ? "this request" : "model '" + model + "'") + " (regions "
                        + String.join(", ", regions.stream().map(r -> r.isEmpty() ? UNLABELLED : r).toList())
                        + ": " + reasons + ")."));
    }

    /** The distinct regions of the known cells serving the model (eligible or not: health must not widen policy). */
    private List<String> candidateRegions(@Nullable String model) {
        return cells.snapshot().stream()
                .filter(cell -> model == null || cell.serves(model))
                .map(CellSnapshot::instance)
                .map(RegionPermit::regionOf)
                .distinct()
                .sorted()
                .toList();
    }

    private void count(String outcome) {
        Counter.builder("warmpath.gateway.policy.region_checks")
                .description("Regional policy checks of inference requests, by outcome")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }
}
