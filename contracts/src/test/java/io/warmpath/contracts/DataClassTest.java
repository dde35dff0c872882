package io.warmpath.contracts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class DataClassTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void wireNamesReadBackInAnyCase() {
        for (DataClass dataClass : DataClass.values()) {
            assertThat(DataClass.fromWire(dataClass.wireName())).isEqualTo(dataClass);
            assertThat(DataClass.fromWire(" " + dataClass.name() + " ")).isEqualTo(dataClass);
        }
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "secret", "internal2", "PUBLICC"})
    void aMissingOrUnknownClassIsTheStrictest(String value) {
        assertThat(DataClass.fromWire(value)).isEqualTo(DataClass.REGULATED);
        assertThat(DataClass.parse(value)).isEmpty();
    }

    @Test
    void jsonCarriesTheWireNameAndReadsUnknownValuesAsTheStrictest() {
        assertThat(json.writeValueAsString(DataClass.CONFIDENTIAL)).isEqualTo("\"confidential\"");
        assertThat(json.readValue("\"public\"", DataClass.class)).isEqualTo(DataClass.PUBLIC);
        assertThat(json.readValue("\"top-secret\"", DataClass.class)).isEqualTo(DataClass.REGULATED);
    }

    @Test
    void ordersFromLeastToMostSensitive() {
        assertThat(DataClass.PUBLIC.atMost(DataClass.INTERNAL)).isTrue();
        assertThat(DataClass.REGULATED.atMost(DataClass.CONFIDENTIAL)).isFalse();
        assertThat(DataClass.INTERNAL.stricter(DataClass.CONFIDENTIAL)).isEqualTo(DataClass.CONFIDENTIAL);
        assertThat(DataClass.REGULATED.stricter(DataClass.PUBLIC)).isEqualTo(DataClass.REGULATED);
    }
}
