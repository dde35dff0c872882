package io.warmpath.session;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.MutableClock;
import io.warmpath.contracts.testing.StubPolicyService;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * Base of the integration tests: the whole service over real HTTP against a real Redis (see TestRedis). All
 * subclasses share one application context; each test uses its own tenant, so they do not see each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // WarmUpTest covers the warm-up; the API tests need none.
        "warmpath.session.warm-up-rounds=0",
        // ReservationApiTest races 50 reservations of one tenant; LoadSheddingApiTest covers the share per tenant.
        "warmpath.session.max-concurrent-requests-per-tenant=64",
        "warmpath.session.tenant-defaults.budgeted.ttl=10m",
        "warmpath.session.tenant-defaults.budgeted.data-class=confidential",
        "warmpath.session.tenant-defaults.budgeted.max-total-tokens=5000",
        "warmpath.session.tenant-defaults.budgeted.max-context-tokens=4000",
        "warmpath.session.tenant-defaults.classified.data-class=regulated",
        "warmpath.session.tenant-defaults.classified.ttl=5m",
        // ImplicitSessionCapApiTest's tenants.
        "warmpath.session.tenant-defaults.capped.max-open-implicit-sessions=2",
        "warmpath.session.tenant-defaults.capped-briefly.max-open-implicit-sessions=1",
        "warmpath.session.tenant-defaults.capped-briefly.ttl=1s",
        // ToolTrimmingApiTest: workflows are judged over their last 3 turns with tools; one tenant is never trimmed.
        "warmpath.session.tool-trimming.window=3",
        "warmpath.session.tool-trimming.off-for=untrimmed"})
@AutoConfigureRestTestClient
@Import(TestClockConfiguration.class)
public abstract class SessionServiceTest {

    /** policy-service, for sessions that record their transcript; allows everything unless a test says otherwise. */
    protected static final StubPolicyService POLICY = StubPolicyService.start();

    /** The subject of the callers of {@link #bearer(String)}. */
    public static final String SUBJECT = "alice";

    @Autowired
    protected RestTestClient client;

    @Autowired
    protected MutableClock clock;

    @LocalManagementPort
    int managementPort;

    /** A tenant of this test alone. */
    protected String tenant;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.register(registry);
        registry.add("warmpath.session.policy.url", POLICY::url);
    }

    @BeforeEach
    void newTenant() {
        tenant = "tenant-" + UUID.randomUUID();
    }

    /**
     * {@code Bearer} and the gateway's assertion of a caller of {@code tenant} (subject {@value #SUBJECT}) with
     * {@code inference:invoke} and {@code sessions:write}.
     */
    public static String bearer(String tenant) {
        return bearer(caller(tenant, SUBJECT, List.of("inference:invoke", "sessions:write")));
    }

    /** {@code Bearer} and the gateway's assertion for session-service. */
    public static String bearer(Assertion assertion) {
        return TestAssertions.shared().bearer(assertion, Audiences.SESSIONS);
    }

    /** A caller of {@code tenant} with no session. */
    public static Assertion caller(String tenant, String subject, List<String> scopes) {
        return new Assertion(tenant, subject, scopes, List.of(), null, null, null, DataClass.INTERNAL, null, null,
                false);
    }

    /** The actuator, on its own port. */
    protected RestTestClient management() {
        return RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    }

    protected ResponseSpec post(String tenant, String path, Object body) {
        return client.post().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    protected ResponseSpec put(String tenant, String path, Object body) {
        return client.put().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    protected ResponseSpec get(String tenant, String path) {
        return client.get().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(tenant)).exchange();
    }

    protected ResponseSpec delete(String tenant, String path) {
        return client.delete().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(tenant)).exchange();
    }

    /** Creates an explicit session and returns the response body. */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> createSession(String tenant, Map<String, Object> body) {
        return post(tenant, "/v1/sessions", body).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    /** Resolves an affinity value and returns the response body (expects 200). */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> resolve(String tenant, String affinity) {
        return post(tenant, "/internal/resolve", Map.of("affinity", affinity)).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }
}
