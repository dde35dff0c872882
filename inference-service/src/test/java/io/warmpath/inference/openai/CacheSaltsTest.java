package io.warmpath.inference.openai;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.inference.CellProperties;
import io.warmpath.inference.CellProperties.CacheSalt.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class CacheSaltsTest {

    private static final SecretKeySpec KEY =
            CacheSalts.key("test-secret".getBytes(StandardCharsets.UTF_8));

    @Test
    void saltIsTheHmacOfTheTenantInLowercaseHexCutTo32Characters() {
        // HMAC-SHA256("test-secret", "acme"), computed elsewhere.
        assertThat(CacheSalts.salt(KEY, Scope.TENANT, "acme", null)).isEqualTo("14d787460c7d2f49521a6586440c1f17");
        assertThat(CacheSalts.salt(KEY, Scope.TENANT, "globex", null)).isEqualTo("586aa6adcf94ed781a4cb147e7eb0a48");
    }

    @Test
    void saltIsSafeForVllmsCacheSaltCheck() {
        for (String tenant : new String[] {"acme", "", "t/with@odd\\chars\u0000", "テナント"}) {
            String salt = CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, tenant, "wf/1");
            // vLLM: at most 128 characters, none of @ / \ or NUL.
            assertThat(salt).as(tenant).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void tenantsGetDifferentSaltsAndATenantAlwaysTheSame() {
        assertThat(CacheSalts.salt(KEY, Scope.TENANT, "acme", "a"))
                .isEqualTo(CacheSalts.salt(KEY, Scope.TENANT, "acme", "b"))
                .isNotEqualTo(CacheSalts.salt(KEY, Scope.TENANT, "acme2", "a"));
        assertThat(CacheSalts.salt(KEY, Scope.TENANT, null, null)).isEqualTo(CacheSalts.salt(KEY, Scope.TENANT, "", null));
    }

    @Test
    void workflowScopeSeparatesTheWorkflowsOfATenantUnambiguously() {
        String review = CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "acme", "review");
        assertThat(review).isEqualTo(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "acme", "review"));
        assertThat(review).isNotEqualTo(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "acme", "deploy"));
        assertThat(review).isNotEqualTo(CacheSalts.salt(KEY, Scope.TENANT, "acme", "review"));
        // The same characters split differently are another tenant and workflow.
        assertThat(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "ab", "c"))
                .isNotEqualTo(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "a", "bc"));
        assertThat(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "acme", null))
                .isEqualTo(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "acme", ""));
    }

    @Test
    void saltDependsOnTheSecret() {
        var other = CacheSalts.key("another-secret".getBytes(StandardCharsets.UTF_8));

        assertThat(CacheSalts.salt(other, Scope.TENANT, "acme", null))
                .isNotEqualTo(CacheSalts.salt(KEY, Scope.TENANT, "acme", null));
    }

    @Test
    void configuredSecretAndScopeAreUsedForTheAssertionsTenantAndWorkflow() {
        var salts = new CacheSalts(cell(new CellProperties.CacheSalt("test-secret", Scope.TENANT_AND_WORKFLOW)));
        Assertion caller = new Assertion("acme", "user", List.of(), List.of(), null, null, "review",
                DataClass.INTERNAL, null, null, false);

        assertThat(salts.saltFor(caller)).isEqualTo(CacheSalts.salt(KEY, Scope.TENANT_AND_WORKFLOW, "acme", "review"));
        assertThat(new CacheSalts(cell(new CellProperties.CacheSalt("test-secret", Scope.TENANT)))
                .saltFor(TestAssertions.caller("acme"))).isEqualTo("14d787460c7d2f49521a6586440c1f17");
    }

    @Test
    void withoutASecretEachProcessDrawsItsOwnAndSaysSo(CapturedOutput output) {
        var first = new CacheSalts(cell(new CellProperties.CacheSalt(null, Scope.TENANT)));
        var second = new CacheSalts(cell(new CellProperties.CacheSalt("", Scope.TENANT)));

        Assertion acme = TestAssertions.caller("acme");
        assertThat(first.saltFor(acme)).isEqualTo(first.saltFor(acme)).isNotEqualTo(second.saltFor(acme));
        assertThat(output).contains("warmpath.cell.cache-salt.secret is not set");
    }

    @Test
    void secretIsNeverPrinted() {
        assertThat(new CellProperties.CacheSalt("test-secret", Scope.TENANT).toString()).doesNotContain("test-secret");
    }

    private static CellProperties cell(CellProperties.CacheSalt cacheSalt) {
        return new CellProperties("cell-1", "local", URI.create("http://127.0.0.1:1"),
                new CellProperties.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofMinutes(1)),
                Duration.ofSeconds(1), Duration.ofSeconds(1), DataSize.ofMegabytes(1), URI.create("http://127.0.0.1:1"),
                Duration.ofSeconds(1), 1024, Duration.ofMillis(20), cacheSalt);
    }
}
