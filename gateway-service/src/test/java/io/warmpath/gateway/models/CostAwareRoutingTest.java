package io.warmpath.gateway.models;

import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The cost rule, at kimi-k2.5's and llama-3.1-8b-instruct's prices (USD per million: 0.60 / 0.10 / 3.00 and
 * 0.282 / 0.0705 / 0.827 for input, cached input and output).
 */
class CostAwareRoutingTest {

    private static final String BIG = "kimi-k2.5";
    private static final String LIGHT = "llama-3.1-8b-instruct";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CostAwareRouting routing = new CostAwareRouting(new ModelProperties(Map.of(),
            Map.of("auto", new ModelProperties.RoutingAlias(BIG, LIGHT, Set.of(), 256),
                    "team-auto", new ModelProperties.RoutingAlias(BIG, LIGHT, Set.of("acme"), 256)),
            Map.of(BIG, new ModelProperties.Price(0.60, 0.10, 3.00), LIGHT, new ModelProperties.Price(0.282, 0.0705,
                    0.827))), meters);

    @Test
    void aColdTurnGoesToTheLightModelWhichCostsLessUncached() {
        // 2,000 prompt tokens and 8 out: 1,224 against 570.6 per million.
        CostAwareRouting.Decision decision = routing.decide("auto", "acme", null, 2000, 8L, Map.of()).orElseThrow();

        assertThat(decision.model()).isEqualTo(LIGHT);
        assertThat(decision.alternative()).isEqualTo(BIG);
        assertThat(decision.expectedUsd()).isCloseTo(570.616e-6, within(1e-9));
        assertThat(decision.alternativeUsd()).isCloseTo(1224e-6, within(1e-9));
        assertThat(decision.savingUsd()).isCloseTo(653.384e-6, within(1e-9));
        assertThat(decision.headerValue()).startsWith(LIGHT + "; alternative=" + BIG + "; expected-usd=0.00057062");
    }

    @Test
    void aSessionWarmOnTheDefaultModelStaysWhereItsCacheIs() {
        // 10,000 prompt tokens, 9,500 of them held by the bound kimi cell: 50 x 0.60... = 1,274 against 2,826.6.
        Map<String, Long> warm = Map.of(BIG, 9_500L);

        assertThat(routing.decide("auto", "acme", null, 10_000, 8L, warm).orElseThrow().model()).isEqualTo(BIG);
        assertThat(routing.decide("auto", "acme", null, 10_000, 8L, Map.of()).orElseThrow().model())
                .as("the same turn with no cache anywhere").isEqualTo(LIGHT);
    }

    @Test
    void aSessionWarmOnBothModelsGoesWhereItsCachedTurnCostsLess() {
        // 9,500 cached on each: 1,274 on kimi against 817.4 on llama.
        assertThat(routing.decide("auto", "acme", null, 10_000, 8L, Map.of(LIGHT, 9_500L, BIG, 9_500L)).orElseThrow()
                .model()).isEqualTo(LIGHT);
        assertThat(routing.decide("auto", "acme", null, 10_000, 8L, Map.of(LIGHT, 9_500L)).orElseThrow().model())
                .isEqualTo(LIGHT);
    }

    @Test
    void aHeavyTurnStaysOnTheDefaultModelWhateverItCosts() {
        CostAwareRouting.Decision decision = routing.decide("auto", "acme", " Heavy", 2000, 8L, Map.of()).orElseThrow();

        assertThat(decision.model()).isEqualTo(BIG);
        assertThat(decision.savingUsd()).isZero();
    }

    @Test
    void aTurnThatSaysNothingOfItsCompletionIsPricedAtTheAliasesExpectation() {
        // 256 expected out: kimi's output price is what makes the light model win even for a warm prompt.
        Map<String, Long> warm = Map.of(BIG, 2_000L);

        assertThat(routing.decide("auto", "acme", null, 2000, null, warm).orElseThrow().model()).isEqualTo(LIGHT);
        assertThat(routing.decide("auto", "acme", null, 2000, 8L, warm).orElseThrow().model()).isEqualTo(BIG);
    }

    @Test
    void modelsNamedAndAliasesOfOtherTenantsAreNeverRerouted() {
        assertThat(routing.decide(BIG, "acme", null, 2000, 8L, Map.of())).isEmpty();
        assertThat(routing.decide("team-auto", "globex", null, 2000, 8L, Map.of())).isEmpty();
        assertThat(routing.decide("team-auto", "acme", null, 2000, 8L, Map.of())).isPresent();
    }

    @Test
    void anAliasToAModelWithoutAPriceStopsTheStart() {
        assertThatThrownBy(() -> new ModelProperties(Map.of(), Map.of("auto",
                new ModelProperties.RoutingAlias(BIG, "mystery", Set.of(), 256)),
                Map.of(BIG, new ModelProperties.Price(0.60, 0.10, 3.00))))
                .hasMessageContaining("mystery");
    }
}
