package io.warmpath.session.web;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Duration;

import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.session.SessionProperties;
import io.warmpath.session.sessions.Budgets;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.validation.beanvalidation.MethodValidationAdapter;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Constraint violations found by method validation (which Spring MVC uses instead of {@code @Valid} alone once a
 * handler's parameter carries a constraint) answer like those of a {@code @Valid} body: a 400 naming the first field
 * as on the wire.
 */
class ApiErrorHandlerTest {

    private final ApiErrorHandler handler = new ApiErrorHandler(new SessionProperties(Duration.ofHours(1),
            Duration.ofMinutes(10), 128, Duration.ofSeconds(1), 64, 16, 0, 0, Duration.ofMillis(500), 0, null, null));

    @Test
    void aFieldOfABodyIsNamedAsOnTheWire() throws Exception {
        ErrorBody.Detail error = answer(new Budgets(null, null, null, new BigDecimal("1e-300000000")), 1);

        assertThat(error.param()).isEqualTo("max_cost_usd");
        assertThat(error.codeText()).isEqualTo("invalid_request");
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).startsWith("'max_cost_usd' must be greater than 0");
    }

    @Test
    void aParameterIsNamedAsOnTheWire() throws Exception {
        ErrorBody.Detail error = answer(Budgets.UNLIMITED, 0);

        assertThat(error.param()).isEqualTo("turn_count");
        assertThat(error.message()).isEqualTo("'turn_count' must be at least 1.");
    }

    private ErrorBody.Detail answer(Budgets budgets, int turnCount) throws Exception {
        Method reserve = Handler.class.getDeclaredMethod("reserve", Budgets.class, int.class);
        var result = new MethodValidationAdapter().validateArguments(new Handler(), reserve, null,
                new Object[] {budgets, turnCount}, new Class<?>[0]);
        ResponseEntity<ErrorBody> answer = handler.handle(new HandlerMethodValidationException(result),
                new MockHttpServletRequest("POST", "/"));
        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        return answer.getBody().error();
    }

    static class Handler {

        void reserve(@Valid Budgets budgets, @Min(value = 1, message = "must be at least 1") int turnCount) {
        }
    }
}
