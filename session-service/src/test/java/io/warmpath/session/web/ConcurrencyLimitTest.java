package io.warmpath.session.web;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrencyLimitTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConcurrencyLimit limit = new ConcurrencyLimit(2, Duration.ofSeconds(1), meters);
    private final MockHttpServletResponse response = new MockHttpServletResponse();

    @Test
    void requestBeyondTheLimitIsRefusedAt503WithRetryAfterUntilOneCompletes() {
        MockHttpServletRequest first = new MockHttpServletRequest();
        MockHttpServletRequest second = new MockHttpServletRequest();
        assertThat(limit.preHandle(first, response, this)).isTrue();
        assertThat(limit.preHandle(second, response, this)).isTrue();

        assertThatThrownBy(() -> limit.preHandle(new MockHttpServletRequest(), response, this))
                .isInstanceOfSatisfying(ApiErrorException.class, refused -> {
                    assertThat(refused.error().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.value());
                    assertThat(refused.error().code()).isEqualTo(ErrorCode.SESSION_SERVICE_OVERLOADED);
                    assertThat(refused.error().retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
        assertThat(meters.get("warmpath.session.requests.shed").counter().count()).isEqualTo(1);

        limit.afterCompletion(first, response, this, null);
        assertThat(limit.preHandle(new MockHttpServletRequest(), response, this)).isTrue();
    }

    @Test
    void completionOfARequestThatWasNeverAdmittedFreesNothing() {
        limit.preHandle(new MockHttpServletRequest(), response, this);
        limit.preHandle(new MockHttpServletRequest(), response, this);

        limit.afterCompletion(new MockHttpServletRequest(), response, this, null);

        assertThatThrownBy(() -> limit.preHandle(new MockHttpServletRequest(), response, this))
                .isInstanceOf(ApiErrorException.class);
    }
}
