package io.warmpath.session.web;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrencyLimitTest {

    /** Where these tests put a request's tenant; the service takes it from the verified assertion. */
    private static final String TENANT = "tenant";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MockHttpServletResponse response = new MockHttpServletResponse();

    /** Three requests at once in all, two per tenant. */
    private final ConcurrencyLimit limit = new ConcurrencyLimit(3, 2, Duration.ofSeconds(1), meters,
            request -> (String) request.getAttribute(TENANT));

    @Test
    void aTenantAtItsShareIsShedWhileAnotherTenantIsStillAdmitted() {
        admit("acme");
        admit("acme");

        assertShed("acme", "tenant");

        admit("globex");
        assertThat(shed("tenant")).isEqualTo(1);
        assertThat(shed("global")).isZero();
    }

    @Test
    void theGlobalLimitStillShedsATenantBelowItsShareAndTakesNothingFromIt() {
        MockHttpServletRequest first = admit("acme");
        admit("acme");
        admit("globex");

        assertShed("globex", "global");
        assertThat(shed("global")).isEqualTo(1);

        // The refused request gave globex's slot back: once there is room, globex has both of its own.
        limit.afterCompletion(first, response, this, null);
        admit("globex");
        assertShed("globex", "tenant");
    }

    @Test
    void aTenantAloneBorrowsIdleSlotsButLeavesAShareForTheOthers() {
        ConcurrencyLimit roomy = new ConcurrencyLimit(6, 2, Duration.ofSeconds(1), meters,
                request -> (String) request.getAttribute(TENANT));
        for (int i = 0; i < 4; i++) {
            assertThat(roomy.preHandle(request("acme"), response, this)).as("request " + (i + 1)).isTrue();
        }

        assertThatThrownBy(() -> roomy.preHandle(request("acme"), response, this))
                .as("a fifth would leave less than a share").isInstanceOf(ApiErrorException.class);
        assertThat(roomy.preHandle(request("globex"), response, this)).isTrue();
        assertThat(roomy.preHandle(request("globex"), response, this)).isTrue();
        assertThat(shed("tenant")).isEqualTo(1);
    }

    @Test
    void completionFreesTheTenantsSlotAndTheGlobalOne() {
        MockHttpServletRequest first = admit("acme");
        admit("acme");
        assertShed("acme", "tenant");

        limit.afterCompletion(first, response, this, null);

        admit("acme");
    }

    @Test
    void callersWithoutATenantShareOneTenantsShare() {
        admit(null);
        admit(null);

        assertShed(null, "tenant");
        admit("acme");
    }

    @Test
    void tenantsWithNothingInFlightAreForgotten() {
        MockHttpServletRequest acme = admit("acme");
        MockHttpServletRequest globex = admit("globex");
        assertThat(limit.tenantsInFlight()).isEqualTo(2);

        limit.afterCompletion(acme, response, this, null);
        limit.afterCompletion(globex, response, this, null);

        assertThat(limit.tenantsInFlight()).isZero();
        assertThat(meters.get(ConcurrencyLimit.IN_FLIGHT).gauge().value()).isZero();
    }

    @Test
    void completionOfARequestThatWasNeverAdmittedFreesNothing() {
        admit("acme");
        admit("globex");
        admit("initech");

        limit.afterCompletion(request("initech"), response, this, null);

        assertShed("hooli", "global");
        assertThat(meters.get(ConcurrencyLimit.IN_FLIGHT).gauge().value()).isEqualTo(3);
    }

    private MockHttpServletRequest admit(@Nullable String tenant) {
        MockHttpServletRequest request = request(tenant);
        assertThat(limit.preHandle(request, response, this)).isTrue();
        return request;
    }

    private void assertShed(@Nullable String tenant, String scope) {
        double before = shed(scope);
        assertThatThrownBy(() -> limit.preHandle(request(tenant), response, this))
                .isInstanceOfSatisfying(ApiErrorException.class, refused -> {
                    assertThat(refused.error().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.value());
                    assertThat(refused.error().code()).isEqualTo(ErrorCode.SESSION_SERVICE_OVERLOADED);
                    assertThat(refused.error().retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
        assertThat(shed(scope)).isEqualTo(before + 1);
    }

    private double shed(String scope) {
        return meters.get(ConcurrencyLimit.SHED).tag("scope", scope).counter().count();
    }

    private static MockHttpServletRequest request(@Nullable String tenant) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setAttribute(TENANT, tenant);
        return request;
    }
}
