package io.warmpath.gateway.routing;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.cells.CellStatus;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.ResolvedSession;
import io.warmpath.gateway.cells.CellIds;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.gateway.cells.EjectionReason;
import io.warmpath.gateway.security.Caller;
import io.warmpath.routing.CellPool;
import io.warmpath.routing.PickRequest;
import io.warmpath.routing.RoutingPolicies;
import io.warmpath.routing.RoutingPolicy;
import io.warmpath.routing.StickyDecision;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CellLoadBalancerTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CellRegistry registry = new CellRegistry(Duration.ofSeconds(10), Clock.systemUTC(), meters);
    private final RoutingPolicy policy = RoutingPolicies.consistentHash();
    private final CellLoadBalancer loadBalancer = new CellLoadBalancer(registry, policy, meters);

    @BeforeEach
    void cells() {
        registry.reconcile(List.of(
                instance("cell-1", 8090, "kimi-k2.5"),
                instance("cell-2", 8091, "kimi-k2.5"),
                instance("cell-3", 8092, "kimi-k2.5"),
                instance("small-1", 8093, "small-model")));
        for (String id : List.of("cell-1", "cell-2", "cell-3", "small-1")) {
            registry.recordStatus(id, new CellStatus(id, "local", List.of(), true, 0, 0, 0));
        }
    }

    @Test
    void choosesTheCellThePolicyPicksAmongTheModelsCells() {
        List<CellSnapshot> kimiCells = registry.snapshot().stream().filter(c -> c.serves("kimi-k2.5")).toList();
        CellPool pool = CellPool.of(kimiCells.stream().map(CellSnapshot::cell).toList());

        for (int session = 0; session < 50; session++) {
            String key = "s:4:acme:session-" + session;
            String expected = pool.get(policy.pick(pool, PickRequest.of(key)).getAsInt()).id();

            assertThat(chosenCell(new RoutingTarget("kimi-k2.5", key), null)).isEqualTo(expected);
        }
    }

    @Test
    void neverChoosesACellOfAnotherModel() {
        List<String> chosen = IntStream.range(0, 100)
                .mapToObj(i -> chosenCell(new RoutingTarget("kimi-k2.5", "key-" + i), null))
                .distinct()
                .toList();

        assertThat(chosen).containsExactlyInAnyOrder("cell-1", "cell-2", "cell-3");
        assertThat(chosenCell(new RoutingTarget("small-model", "key-1"), null)).isEqualTo("small-1");
    }

    @Test
    void skipsEjectedAndUnhealthyCells() {
        registry.eject("cell-1", EjectionReason.CONNECT_FAILURE);
        registry.recordStatus("cell-2", new CellStatus("cell-2", "local", List.of(), false, 0, 0, 0));

        for (int i = 0; i < 50; i++) {
            assertThat(chosenCell(new RoutingTarget("kimi-k2.5", "key-" + i), null)).isEqualTo("cell-3");
        }
    }

    @Test
    void skipsCellsThisRequestAlreadyTried() {
        RoutingTarget target = new RoutingTarget("kimi-k2.5", "s:4:acme:retry-me");
        String first = chosenCell(target, null);
        CellAttempts attempts = new CellAttempts();
        attempts.start(first, registry);

        String second = chosenCell(target, attempts);

        assertThat(second).isNotEqualTo(first).isIn("cell-1", "cell-2", "cell-3");
    }

    @Test
    void unknownModelFailsWithModelNotFound() {
        assertThatThrownBy(() -> chosenCell(new RoutingTarget("no-such-model", "k"), null))
                .isInstanceOfSatisfying(ApiErrorException.class, failure -> {
                    assertThat(failure.error().status()).isEqualTo(HttpStatus.NOT_FOUND.value());
                    assertThat(failure.error().code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
                });
        assertThat(meters.get("warmpath.gateway.routing.decisions").tag("outcome", "unknown_model").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void modelWithNoHealthyCellFailsWithServiceUnavailable() {
        registry.eject("small-1", EjectionReason.UNAVAILABLE);

        assertThatThrownBy(() -> chosenCell(new RoutingTarget("small-model", "k"), null))
                .isInstanceOfSatisfying(ApiErrorException.class, failure -> {
                    assertThat(failure.error().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.value());
                    assertThat(failure.error().retryAfter()).isPositive();
                });
        assertThat(meters.get("warmpath.gateway.routing.decisions").tag("outcome", "no_cell").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void requestWithoutModelGoesToAnyHealthyCell() {
        assertThat(chosenCell(RoutingTarget.ANY_CELL, null)).isIn("cell-1", "cell-2", "cell-3", "small-1");
        assertThat(meters.get("warmpath.gateway.routing.decisions").tag("outcome", "routed").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void stickyKeepsTheSessionOnItsBoundCellAndRecordsAHit() {
        CellLoadBalancer sticky = new CellLoadBalancer(registry, RoutingPolicies.sticky(), meters);
        for (String bound : List.of("cell-1", "cell-2", "cell-3")) {
            SessionTurn turn = turn(new Binding(bound, "kimi-k2.5", null, 4, 3_000L));

            assertThat(chosenCell(sticky, new RoutingTarget("kimi-k2.5", "s:4:acme:bound"), null, turn)).isEqualTo(bound);
            assertThat(turn.latest().decision().outcome()).isEqualTo(StickyDecision.Outcome.HIT);
            assertThat(turn.latest().decision().predictedCachedTokens()).isEqualTo(3_000);
            assertThat(turn.latest().cellId()).isEqualTo(bound);
        }
    }

    @Test
    void stickyRebindsAwayFromAnEjectedCellAsUnhealthy() {
        CellLoadBalancer sticky = new CellLoadBalancer(registry, RoutingPolicies.sticky(), meters);
        registry.eject("cell-2", EjectionReason.CONNECT_FAILURE);
        SessionTurn turn = turn(new Binding("cell-2", "kimi-k2.5", null, 4, 3_000L));

        String chosen = chosenCell(sticky, new RoutingTarget("kimi-k2.5", "s:4:acme:sick"), null, turn);

        assertThat(chosen).isNotEqualTo("cell-2");
        assertThat(turn.latest().reason()).isEqualTo("rebind_unhealthy");
        assertThat(turn.latest().decision().bindingChanged()).isTrue();
    }

    @Test
    void sessionSwitchingModelRebindsAsModelAndADepartedCellAsGone() {
        CellLoadBalancer sticky = new CellLoadBalancer(registry, RoutingPolicies.sticky(), meters);
        SessionTurn switched = turn(new Binding("small-1", "small-model", null, 2, 500L));
        SessionTurn orphaned = turn(new Binding("cell-9", "kimi-k2.5", null, 2, 500L));

        assertThat(chosenCell(sticky, new RoutingTarget("kimi-k2.5", "s:4:acme:switch"), null, switched))
                .isIn("cell-1", "cell-2", "cell-3");
        assertThat(chosenCell(sticky, new RoutingTarget("kimi-k2.5", "s:4:acme:orphan"), null, orphaned))
                .isIn("cell-1", "cell-2", "cell-3");

        assertThat(switched.latest().reason()).isEqualTo("rebind_model");
        assertThat(orphaned.latest().reason()).isEqualTo("rebind_gone");
    }

    private static SessionTurn turn(Binding binding) {
        return new SessionTurn(Caller.of("acme", "agent-1"), "affinity", new ResolvedSession("ses_1", "acme", "wf",
                true, DataClass.INTERNAL, null, true, binding, false, java.util.List.of(), null),
                "kimi-k2.5", 3_200);
    }

    private String chosenCell(RoutingTarget target, CellAttempts attempts) {
        return chosenCell(loadBalancer, target, attempts, null);
    }

    private String chosenCell(CellLoadBalancer balancer, RoutingTarget target, CellAttempts attempts, SessionTurn turn) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(RoutingTarget.ATTRIBUTE, target);
        if (attempts != null) {
            attributes.put(CellAttempts.ATTRIBUTE, attempts);
        }
        if (turn != null) {
            attributes.put(SessionTurn.ATTRIBUTE, turn);
        }
        RequestData requestData = new RequestData(HttpMethod.POST, URI.create("http://gateway/v1/chat/completions"),
                new HttpHeaders(), new LinkedMultiValueMap<>(), attributes);
        Response<ServiceInstance> response = balancer.choose(new DefaultRequest<>(new RequestDataContext(requestData)))
                .block();
        return CellIds.of(response.getServer());
    }

    private static ServiceInstance instance(String cellId, int port, String model) {
        return new DefaultServiceInstance(cellId, CellRegistry.SERVICE_ID, "127.0.0.1", port, false,
                Map.of(CellIds.CELL_ID, cellId, "model", model, "region", "local"));
    }
}
