package io.warmpath.gateway;

import java.util.List;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubPolicyService;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.gateway.cells.CellProber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/models} answered by the gateway: the union of the healthy cells' models and the configured aliases,
 * without the models the caller's data may not go to; a request naming an alias is served by its model. Two cells of
 * two models in two regions, a stub policy-service deciding per region.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.gateway.models.aliases.fast=small-model",
        "warmpath.gateway.models.aliases.smart=kimi-k2.5",
        "warmpath.gateway.models.aliases.gone=no-such-model",
        "warmpath.gateway.models.aliases.[meta/fast]=small-model",
        "warmpath.gateway.models.routing.auto.default-model=kimi-k2.5",
        "warmpath.gateway.models.routing.auto.light-model=small-model",
        "warmpath.gateway.models.routing.elsewhere.default-model=kimi-k2.5",
        "warmpath.gateway.models.routing.elsewhere.light-model=small-model",
        "warmpath.gateway.models.routing.elsewhere.tenants=globex",
        "warmpath.gateway.models.prices.[small-model].input=0.1",
        "warmpath.gateway.models.prices.[small-model].cached-input=0.01",
        "warmpath.gateway.models.prices.[small-model].output=0.2"})
@AutoConfigureWebTestClient(timeout = "30s")
class ModelsIntegrationTest {

    private static final StubCell EU = StubCell.start("cell-eu", "kimi-k2.5", true);
    private static final StubCell US = StubCell.start("cell-us", "small-model", true);
    private static final TestTokens TOKENS = new TestTokens();
    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final StubPolicyService POLICY = StubPolicyService.start();

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        List<StubCell> cells = List.of(EU, US);
        for (int i = 0; i < cells.size(); i++) {
            StubCell cell = cells.get(i);
            String prefix = "spring.cloud.discovery.client.simple.instances.inference-cells[" + i + "].";
            registry.add(prefix + "uri", cell::uri);
            registry.add(prefix + "metadata.cell-id", () -> cell.id);
            registry.add(prefix + "metadata.model", () -> cell.model);
            registry.add(prefix + "metadata.region", () -> cell == US ? "us-east" : "eu-west");
        }
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.policy.url", POLICY::url);
        registry.add("warmpath.gateway.policy.deadline", () -> "2s");
        registry.add("warmpath.gateway.policy.allow-ttl", () -> "0s");
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @AfterAll
    static void stopStubs() {
        List.of(EU, US).forEach(StubCell::stop);
        SESSIONS.stop();
        POLICY.stop();
    }

    @BeforeEach
    void reset() {
        prober.refresh().block();
        POLICY.failWith(0);
        POLICY.allowWhen(request -> true);
    }

    @Test
    void theListIsEveryHealthyCellsModelAndEachAliasOfOneInOpenAisShape() {
        models().expectStatus().isOk().expectBody()
                .jsonPath("$.object").isEqualTo("list")
                // "gone" names a model no cell serves, "elsewhere" routes another tenant's: neither is listed.
                .jsonPath("$.data[*].id").isEqualTo(List.of("auto", "fast", "kimi-k2.5", "meta/fast", "small-model",
                        "smart"))
                .jsonPath("$.data[1].object").isEqualTo("model")
                .jsonPath("$.data[1].owned_by").isEqualTo("warmpath")
                .jsonPath("$.data[1].root").isEqualTo("small-model")
                .jsonPath("$.data[1].created").isNumber()
                // A routing alias is listed as its default model.
                .jsonPath("$.data[0].root").isEqualTo("kimi-k2.5");
        model("smart").expectStatus().isOk().expectBody().jsonPath("$.root").isEqualTo("kimi-k2.5");
        model("meta/fast").expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo("meta/fast")
                .jsonPath("$.root").isEqualTo("small-model");
    }

    @Test
    void aModelServedOnlyWhereTheCallersDataMayNotGoIsNeitherListedNorRetrieved() {
        POLICY.allowWhen(request -> "eu-west".equals(request.path("resource").path("region").asString()));

        models().expectStatus().isOk().expectBody()
                .jsonPath("$.data[*].id").isEqualTo(List.of("auto", "kimi-k2.5", "smart"));
        model("meta/fast").expectStatus().isNotFound();
        model("fast").expectStatus().isNotFound().expectBody()
                .jsonPath("$.error.code").isEqualTo("model_not_found")
                .jsonPath("$.error.param").isEqualTo("model");
    }

    @Test
    void aPolicyServiceThatCannotAnswerFailsTheListClosed() {
        POLICY.failWith(500);

        models().expectStatus().isEqualTo(503).expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("policy_unavailable");
    }

    @Test
    void aRequestNamingAnAliasIsServedByItsModelWhichIsAllTheCellSees() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKENS.forTenant("acme"))
                .bodyValue("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, US.id);
        assertThat(US.lastBody()).contains("\"model\":\"small-model\"").doesNotContain("fast");
    }

    private WebTestClient.ResponseSpec models() {
        return client.get().uri("/v1/models")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKENS.forTenant("acme")).exchange();
    }

    private WebTestClient.ResponseSpec model(String name) {
        return client.get().uri("/v1/models/" + name)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKENS.forTenant("acme")).exchange();
    }
}
