package io.warmpath.session.sessions;

import java.util.List;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.TenantDefaults;
import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /internal/tenant/defaults}, read as the gateway reads it: into the contract's {@link TenantDefaults}. */
class TenantDefaultsApiTest extends SessionServiceTest {

    private static final String PATH = "/internal/tenant/defaults";

    @Test
    void aTenantWithBudgetsGetsItsClassAndIsLimited() {
        assertThat(defaultsOf("budgeted")).isEqualTo(new TenantDefaults("budgeted", DataClass.CONFIDENTIAL, true));
    }

    @Test
    void aTenantWithAClassButNoBudgetsIsNotLimited() {
        assertThat(defaultsOf("classified")).isEqualTo(new TenantDefaults("classified", DataClass.REGULATED, false));
    }

    @Test
    void aTenantWithoutDefaultsGetsTheServicesDefaultForImplicitSessions() {
        assertThat(defaultsOf(tenant)).isEqualTo(new TenantDefaults(tenant, DataClass.INTERNAL, false));
    }

    @Test
    void theDefaultsAreWhatAnImplicitSessionOfTheTenantOpensWith() {
        for (String caller : List.of("budgeted", "classified", tenant)) {
            Map<String, Object> opened = resolve(caller, "defaults-" + tenant);
            TenantDefaults defaults = defaultsOf(caller);
            assertThat(opened).containsEntry("implicit", true)
                    .containsEntry("data_class", defaults.dataClass().wireName())
                    .containsEntry("limited", defaults.limited());
        }
    }

    @Test
    void theAnswerIsSnakeCaseJsonOfTheTenantOfTheAssertion() {
        get(tenant, PATH).expectStatus().isOk().expectBody()
                .jsonPath("$.tenant").isEqualTo(tenant)
                .jsonPath("$.data_class").isEqualTo("internal")
                .jsonPath("$.limited").isEqualTo(false);
    }

    @Test
    void anAssertionWithoutATenantIsForbiddenAndNoAssertionIsUnauthorized() {
        String gatewayOwn = bearer(Assertion.service("warmpath-gateway", List.of("sessions:write")));
        client.get().uri(PATH).header(HttpHeaders.AUTHORIZATION, gatewayOwn).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("insufficient_scope");
        client.get().uri(PATH).exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error.code").isEqualTo("invalid_token");
        client.get().uri(PATH).header(HttpHeaders.AUTHORIZATION, "Bearer forged").exchange()
                .expectStatus().isUnauthorized();
    }

    private TenantDefaults defaultsOf(String caller) {
        String body = get(caller, PATH).expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
        return JsonMapper.builder().build().readValue(body, TenantDefaults.class);
    }
}
