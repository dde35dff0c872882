package io.warmpath.contracts.sessions;

import java.util.Set;

import io.warmpath.contracts.DataClass;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The internal API's bodies: snake_case on the wire, and the constraints session-service enforces. */
class WireFormatTest {

    private static final jakarta.validation.ValidatorFactory FACTORY = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory();
    private final Validator validator = FACTORY.getValidator();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterAll
    static void close() {
        FACTORY.close();
    }

    @Test
    void bodiesAreSnakeCaseOnTheWire() {
        assertThat(json.writeValueAsString(new ReservationRequest("r-1", "kimi-k2.5", 10L, 20L)))
                .isEqualTo("{\"request_id\":\"r-1\",\"model\":\"kimi-k2.5\",\"prompt_tokens\":10,\"max_tokens\":20}");
        assertThat(json.writeValueAsString(RecordedTurn.of("ses_1", "r-1", Settlement.of(10, 4, 2, 30, "cell-1", "m"))))
                .contains("\"session_id\":\"ses_1\"", "\"cached_tokens\":4", "\"ttft_ms\":30", "\"cell_id\":\"cell-1\"");
    }

    @Test
    void aResolvedSessionWithoutADataClassIsTheStrictest() {
        ResolvedSession session = json.readValue("{\"session_id\":\"ses_1\",\"implicit\":true,\"limited\":false}",
                ResolvedSession.class);
        assertThat(session.dataClass()).isEqualTo(DataClass.REGULATED);
        assertThat(session.binding()).isNull();
        assertThat(session.recordTranscript()).as("an answer from before the field records nothing").isFalse();
    }

    @Test
    void aValidReservationHasNoViolations() {
        assertThat(validator.validate(new ReservationRequest("r-1", "kimi-k2.5", 0L, 1024L))).isEmpty();
    }

    @Test
    void reservationConstraintsNameTheField() {
        assertThat(fields(validator.validate(new ReservationRequest("r 1", null, -1L, 1L + Integer.MAX_VALUE))))
                .containsExactlyInAnyOrder("requestId", "model", "promptTokens", "maxTokens");
    }

    @Test
    void cachedTokensCannotExceedThePrompt() {
        assertThat(fields(validator.validate(new Settlement(10L, 11L, 1L, null, null, null, null, null, null, null))))
                .containsExactly("cachedTokensWithinPrompt");
        assertThat(validator.validate(new Settlement(10L, 10L, 1L, null, null, null, null, null, null, null))).isEmpty();
    }

    @Test
    void toolUseAndToolSetsTakeOnlyToolNamesOfOpenAisShape() {
        ToolUse use = json.readValue("{\"offered\":true,\"called\":[\"read_log\",\"bad name\"],"
                + "\"trimmed_tools\":2,\"trimmed_tokens\":512}", ToolUse.class);
        assertThat(use.trimmedTokens()).isEqualTo(512);
        assertThat(fields(validator.validate(use))).containsExactly("called[1].<list element>");
        assertThat(json.readValue("{\"offered\":false}", ToolUse.class).called()).isEmpty();
        assertThat(fields(validator.validate(new ToolSetRequest(java.util.List.of()))))
                .containsExactly("offered");
        assertThat(validator.validate(new ToolSetRequest(java.util.List.of("ns.read:log", "tool_1")))).isEmpty();
        assertThat(json.readValue("{\"trimmed\":null}", ToolSet.class).trimmed()).isEmpty();
    }

    @Test
    void aModelRouteReadsBackFromItsHeaderAndNothingElseDoes() {
        ModelRoute route = new ModelRoute("llama-3.1-8b-instruct", "kimi-k2.5", 0.000570616, 0.001224);

        assertThat(ModelRoute.parse(route.headerValue())).hasValueSatisfying(parsed -> {
            assertThat(parsed.model()).isEqualTo("llama-3.1-8b-instruct");
            assertThat(parsed.alternative()).isEqualTo("kimi-k2.5");
            assertThat(parsed.savingUsd()).isCloseTo(0.000653384, org.assertj.core.api.Assertions.within(1e-8));
        });
        assertThat(ModelRoute.parse("kimi-k2.5")).isEmpty();
        assertThat(ModelRoute.parse("a; alternative=b; expected-usd=x; alternative-usd=1")).isEmpty();
        assertThat(ModelRoute.parse(null)).isEmpty();
    }

    @Test
    void bindRequestsNeedACellAModelAndAKnownReason() {
        assertThat(fields(validator.validate(new BindRequest(null, "m", -1L, "because"))))
                .containsExactlyInAnyOrder("cellId", "expectedEpoch", "reason");
        BindRequest valid = new BindRequest("cell-1", "m", null, null);
        assertThat(validator.validate(valid)).isEmpty();
        assertThat(valid.bindingReason()).isEqualTo(BindingReason.NEW);
    }

    private static Set<String> fields(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(violation -> violation.getPropertyPath().toString())
                .collect(java.util.stream.Collectors.toSet());
    }
}
