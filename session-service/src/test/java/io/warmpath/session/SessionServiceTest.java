package io.warmpath.session;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;

/**
 * Base of the integration tests: the whole service over real HTTP against a real Redis (embedded-redis binary). All
 * subclasses share one application context; each test uses its own tenant, so they do not see each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // WarmUpTest covers the warm-up; the API tests need none.
        "warmpath.session.warm-up-rounds=0",
        "warmpath.session.tenant-defaults.budgeted.ttl=10m",
        "warmpath.session.tenant-defaults.budgeted.data-class=confidential",
        "warmpath.session.tenant-defaults.budgeted.max-total-tokens=5000",
        "warmpath.session.tenant-defaults.budgeted.max-context-tokens=4000"})
@AutoConfigureRestTestClient
@Import(TestClockConfiguration.class)
public abstract class SessionServiceTest {

    @Autowired
    protected RestTestClient client;

    @Autowired
    protected MutableClock clock;

    /** A tenant of this test alone. */
    protected String tenant;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.port", TestRedis::port);
    }

    @BeforeEach
    void newTenant() {
        tenant = "tenant-" + UUID.randomUUID();
    }

    protected ResponseSpec post(String tenant, String path, Object body) {
        return client.post().uri(path).header("x-warmpath-tenant", tenant)
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    protected ResponseSpec put(String tenant, String path, Object body) {
        return client.put().uri(path).header("x-warmpath-tenant", tenant)
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    protected ResponseSpec get(String tenant, String path) {
        return client.get().uri(path).header("x-warmpath-tenant", tenant).exchange();
    }

    protected ResponseSpec delete(String tenant, String path) {
        return client.delete().uri(path).header("x-warmpath-tenant", tenant).exchange();
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
