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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routers for the replay, built from routing-core's policies by the names configuration uses. Every turn's key is
 * its session scoped by the workload's tenant ({@link RoutingKeys#session}), as the gateway builds it. For
 * {@code sticky}, the bench plays session-service's part: bindings live in a map, a new or moved binding is stored
 * when the policy decides, and its last prompt length is updated when a turn finishes (the gateway's settle).
 * Every router can take added cells mid-replay (a scale-out): it rebuilds its pool, as the gateway does when the
 * cells file changes.
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
        if (policy instanceof StickyPolicy sticky) {
            return new BindingRouter(sticky, fleet, tenant);
        }
        return new StatelessRouter(policy, fleet, tenant);
    }

    /**
     * {@code count} cells named {@code cell-1..count}, labelled with the model's prefill rate for {@code sticky}'s
     * prediction. Ids depend only on the index, so a larger pool keeps the smaller one's cells and ring points.
     */
    static CellPool pool(Fleet fleet, int count) {
        List<Cell> cells = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            cells.add(new Cell("cell-" + i, fleet.profile().name(), "local",
                    Map.of(Cell.PREFILL_RATE_LABEL, Double.toString(fleet.profile().prefillTokensPerSecond()))));
        }
        return CellPool.of(cells);
    }

    private static final class StatelessRouter implements CellRouter {

        /** Where a session's key lives on the ring: the cell consistent-hash picks, and bounded-load tries first. */
        private static final RoutingPolicy RING_HOME = RoutingPolicies.consistentHash();
        private static final String ROUND_ROBIN = RoutingPolicies.roundRobin().name();

        private final RoutingPolicy policy;
        private final Fleet fleet;
        private final String tenant;
        private CellPool pool;

        StatelessRouter(RoutingPolicy policy, Fleet fleet, String tenant) {
            this.policy = policy;
            this.fleet = fleet;
            this.tenant = tenant;
            this.pool = pool(fleet, fleet.cells());
        }

        @Override
        public String name() {
            return policy.name();
        }

        @Override
        public int route(Turn turn, LoadView load) {
            return policy.pick(pool, PickRequest.of(key(turn.sessionId()), load)).orElseThrow();
        }

        @Override
        public int addCells(int cells, Collection<String> sessions) {
            CellPool before = pool;
            pool = pool(fleet, cells);
            if (policy.name().equals(ROUND_ROBIN)) {
                return ScaleOutMoves.NOT_APPLICABLE; // no cell belongs to a session, so none can be remapped
            }
            int remapped = 0;
            for (String session : sessions) {
                PickRequest request = PickRequest.of(key(session));
                if (RING_HOME.pick(before, request).orElseThrow() != RING_HOME.pick(pool, request).orElseThrow()) {
                    remapped++;
                }
            }
            return remapped;
        }

        private String key(String sessionId) {
            return RoutingKeys.session(tenant, sessionId);
        }
    }

    private static final class BindingRouter implements CellRouter {

        private final StickyPolicy policy;
        private final Fleet fleet;
        private final String tenant;
        private final Map<String, SessionBinding> bindings = new HashMap<>();
        private CellPool pool;

        BindingRouter(StickyPolicy policy, Fleet fleet, String tenant) {
            this.policy = policy;
            this.fleet = fleet;
            this.tenant = tenant;
            this.pool = pool(fleet, fleet.cells());
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

        /** Bindings name cells by id and the old cells keep theirs, so growth remaps a binding only if it broke. */
        @Override
        public int addCells(int cells, Collection<String> sessions) {
            pool = pool(fleet, cells);
            int remapped = 0;
            for (String session : sessions) {
                SessionBinding binding = bindings.get(session);
                if (binding != null && pool.indexOf(binding.cellId()) < 0) {
                    remapped++;
                }
            }
            return remapped;
        }
    }
}
