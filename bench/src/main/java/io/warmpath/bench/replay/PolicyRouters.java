package io.warmpath.bench.replay;

import io.warmpath.bench.workload.Turn;
import io.warmpath.routing.Cell;
import io.warmpath.routing.CellPool;
import io.warmpath.routing.LoadView;
import io.warmpath.routing.PickRequest;
import io.warmpath.routing.RoutingKeys;
import io.warmpath.routing.RoutingPolicies;
import io.warmpath.routing.RoutingPolicy;
import io.warmpath.routing.SessionBinding;
import io.warmpath.routing.StickyDecision;
import io.warmpath.routing.StickyPolicy;
import io.warmpath.routing.StickySettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routers for the replay, built from routing-core's policies by the names configuration uses. Every turn's key is
 * its session scoped by the workload's tenant ({@link RoutingKeys#session}), as the gateway builds it. For
 * {@code sticky}, the bench plays session-service's part: bindings live in a map, a new or moved binding is stored
 * when the policy decides, and its last prompt length is updated when a turn finishes (the gateway's settle).
 */
public final class PolicyRouters {

    private PolicyRouters() {
    }

    /** Names of the policies routing-core offers. */
    public static List<String> available() {
        return RoutingPolicies.NAMES;
    }

    /**
     * A router for {@code policyName} over the fleet's cells.
     *
     * @throws IllegalArgumentException for a policy routing-core does not know
     */
    public static CellRouter named(String policyName, Fleet fleet, String tenant, double balanceFactor) {
        StickySettings settings = StickySettings.defaults().withBalanceFactor(balanceFactor);
        RoutingPolicy policy = RoutingPolicies.byName(policyName, settings);
        CellPool pool = pool(fleet);
        if (policy instanceof StickyPolicy sticky) {
            return new BindingRouter(sticky, pool, tenant);
        }
        return new StatelessRouter(policy, pool, tenant);
    }

    /** Cells named {@code cell-1..N}, labelled with the model's prefill rate for {@code sticky}'s prediction. */
    static CellPool pool(Fleet fleet) {
        List<Cell> cells = new ArrayList<>();
        for (int i = 1; i <= fleet.cells(); i++) {
            cells.add(new Cell("cell-" + i, fleet.profile().name(), "local",
                    Map.of(Cell.PREFILL_RATE_LABEL, Double.toString(fleet.profile().prefillTokensPerSecond()))));
        }
        return CellPool.of(cells);
    }

    private record StatelessRouter(RoutingPolicy policy, CellPool pool, String tenant) implements CellRouter {

        @Override
        public String name() {
            return policy.name();
        }

        @Override
        public int route(Turn turn, LoadView load) {
            return policy.pick(pool, PickRequest.of(RoutingKeys.session(tenant, turn.sessionId()), load)).orElseThrow();
        }
    }

    private static final class BindingRouter implements CellRouter {

        private final StickyPolicy policy;
        private final CellPool pool;
        private final String tenant;
        private final Map<String, SessionBinding> bindings = new HashMap<>();

        BindingRouter(StickyPolicy policy, CellPool pool, String tenant) {
            this.policy = policy;
            this.pool = pool;
            this.tenant = tenant;
        }

        @Override
        public String name() {
            return policy.name();
        }

        @Override
        public int route(Turn turn, LoadView load) {
            PickRequest request = PickRequest.of(RoutingKeys.session(tenant, turn.sessionId()), load)
                    .withSession(bindings.get(turn.sessionId()), turn.promptTokens());
            StickyDecision decision = policy.decide(pool, request);
            int cell = decision.cell().orElseThrow();
            if (decision.bindingChanged()) {
                bindings.put(turn.sessionId(), new SessionBinding(pool.get(cell).id(), 0));
            }
            return cell;
        }

        @Override
        public void completed(Turn turn, int cell) {
            SessionBinding binding = bindings.get(turn.sessionId());
            String cellId = pool.get(cell).id();
            // Settle: only a turn on the bound cell tells what that cell now holds.
            if (binding != null && binding.cellId().equals(cellId)) {
                bindings.put(turn.sessionId(), new SessionBinding(cellId, turn.promptTokens()));
            }
        }
    }
}
