package io.warmpath.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ToolInputSchemaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final ToolInputSchema WEATHER = ToolInputSchema.compile("weather", JSON.readTree("""
            {"type":"object","required":["city"],"additionalProperties":false,
             "properties":{"city":{"type":"string","minLength":2,"maxLength":40},
                           "unit":{"enum":["celsius","fahrenheit"]},
                           "days":{"type":"integer","minimum":1,"maximum":7}}}"""));

    @Test
    void validInputHasNoViolations() {
        assertThat(WEATHER.violations(JSON.readTree("{\"city\":\"Lyon\",\"unit\":\"celsius\",\"days\":3}"))).isEmpty();
    }

    @Test
    void eachBrokenRuleIsNamedWithItsLocation() {
        var violations = WEATHER.violations(JSON.readTree("{\"unit\":\"kelvin\",\"days\":9}"));

        assertThat(violations).hasSize(3);
        assertThat(violations).anySatisfy(message -> assertThat(message).contains("city"));
        assertThat(violations).anySatisfy(message -> assertThat(message).contains("unit").contains("celsius"));
        assertThat(violations).anySatisfy(message -> assertThat(message).contains("days").contains("7"));
    }

    @Test
    void messagesDoNotQuoteTheInput() {
        String secret = "sk-live-4f9a8b7c6d5e";
        var violations = WEATHER.violations(JSON.readTree("""
                {"city":"%s%s","unit":"%s","days":"%s","%s":1}""".formatted(secret, "x".repeat(40), secret, secret,
                secret)));

        assertThat(violations).isNotEmpty().noneSatisfy(message -> assertThat(message).contains(secret));
    }

    @Test
    void wrongTypesAreReported() {
        assertThat(WEATHER.violations(JSON.readTree("{\"city\":12}"))).singleElement()
                .satisfies(message -> assertThat(message).contains("city").contains("string"));
    }

    @Test
    void draft7SchemasAreHonoured() {
        ToolInputSchema draft7 = ToolInputSchema.compile("legacy", JSON.readTree("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                 "properties":{"n":{"type":"number","exclusiveMaximum":10}}}"""));

        assertThat(draft7.violations(JSON.readTree("{\"n\":10}"))).hasSize(1);
        assertThat(draft7.violations(JSON.readTree("{\"n\":9.5}"))).isEmpty();
    }

    @Test
    void invalidSchemasAreRejectedAtStartUp() {
        assertThatIllegalArgumentException().isThrownBy(() -> ToolInputSchema.compile("bad",
                JSON.readTree("{\"type\":\"objekt\"}"))).withMessageContaining("bad");
        assertThatIllegalArgumentException().isThrownBy(() -> ToolInputSchema.compile("bad",
                JSON.readTree("{\"required\":\"city\"}")));
        assertThatIllegalArgumentException().isThrownBy(() -> ToolInputSchema.compile("bad", JSON.readTree("[1]")));
    }

    @Test
    void remoteReferencesAreNeverFetched() {
        assertThatIllegalArgumentException().isThrownBy(() -> ToolInputSchema.compile("remote", JSON.readTree("""
                {"type":"object","properties":{"a":{"$ref":"http://127.0.0.1:1/schema.json"}}}""")));
    }
}
