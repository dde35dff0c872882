package io.warmpath.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingKeysTest {

    @Test
    void sameAffinityValueFromTwoTenantsIsTwoKeys() {
        assertThat(RoutingKeys.session("acme", "abc")).isNotEqualTo(RoutingKeys.session("globex", "abc"));
        // Without the length prefix these two would collide.
        assertThat(RoutingKeys.session("a:b", "c")).isNotEqualTo(RoutingKeys.session("a", "b:c"));
    }

    @Test
    void equalSkeletonsShareAKeyAndAnyDifferenceSeparatesThem() {
        List<String> system = List.of("You are helpful.");
        List<String> tools = List.of("{\"name\":\"search\"}");
        String key = RoutingKeys.skeleton("acme", "kimi-k2.5", system, tools);
        assertThat(RoutingKeys.skeleton("acme", "kimi-k2.5", List.of("You are helpful."), tools))
                .isEqualTo(key).startsWith("k:").hasSize(2 + 32);
        assertThat(RoutingKeys.skeleton("acme", "other", system, tools)).isNotEqualTo(key);
        assertThat(RoutingKeys.skeleton("acme", "kimi-k2.5", List.of("You are helpful!"), tools)).isNotEqualTo(key);
        assertThat(RoutingKeys.skeleton("acme", "kimi-k2.5", system, List.of())).isNotEqualTo(key);
        // A system message moved into the tools list is a different skeleton, not the same bytes concatenated.
        assertThat(RoutingKeys.skeleton("acme", "m", List.of("ab"), List.of()))
                .isNotEqualTo(RoutingKeys.skeleton("acme", "m", List.of("a"), List.of("b")));
    }

    @Test
    void sameSkeletonFromTwoTenantsIsTwoKeys() {
        List<String> system = List.of("You are helpful.");
        assertThat(RoutingKeys.skeleton("acme", "m", system, List.of()))
                .isNotEqualTo(RoutingKeys.skeleton("globex", "m", system, List.of()));
        // Length-prefixed: the tenant cannot run into the model.
        assertThat(RoutingKeys.skeleton("ab", "c", system, List.of()))
                .isNotEqualTo(RoutingKeys.skeleton("a", "bc", system, List.of()));
    }

    @Test
    void policiesAreChosenByName() {
        assertThat(RoutingPolicies.byName("Bounded-Load", 1.25).name()).isEqualTo("bounded-load");
        assertThat(RoutingPolicies.byName("round-robin", 1.25).name()).isEqualTo("round-robin");
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingPolicies.byName("random", 1.25))
                .withMessageContaining("consistent-hash");
    }

    @Test
    void duplicateCellIdsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(
                () -> CellPool.of(List.of(new Cell("a", "m", "r"), new Cell("a", "m", "r"))));
    }
}
