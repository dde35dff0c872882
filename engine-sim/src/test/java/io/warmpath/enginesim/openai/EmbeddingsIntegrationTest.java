package io.warmpath.enginesim.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** vLLM's /v1/embeddings shape, with deterministic unit vectors. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.01", "num-gpu-blocks-override=2048"})
@AutoConfigureWebTestClient(timeout = "30s")
class EmbeddingsIntegrationTest {

    @Autowired
    private WebTestClient client;

    @Test
    void eachInputGetsADeterministicUnitVectorAndUsageCountsTheirTokens() {
        JsonNode batch = embed("{\"model\":\"kimi-k2.5\",\"input\":[\"alpha beta\",\"gamma\"],\"dimensions\":64}");
        JsonNode again = embed("{\"model\":\"kimi-k2.5\",\"input\":\"alpha beta\",\"dimensions\":64}");

        assertThat(batch.path("object").asString()).isEqualTo("list");
        assertThat(batch.path("data")).hasSize(2);
        JsonNode first = batch.path("data").get(0).path("embedding");
        assertThat(first).hasSize(64);
        assertThat(again.path("data").get(0).path("embedding")).isEqualTo(first);
        assertThat(batch.path("data").get(1).path("embedding")).isNotEqualTo(first);
        double norm = 0;
        for (JsonNode value : first) {
            norm += value.asDouble() * value.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, within(1e-4));
        assertThat(batch.path("usage").path("prompt_tokens").asLong())
                .isEqualTo(batch.path("usage").path("total_tokens").asLong()).isPositive();
    }

    @Test
    void base64IsLittleEndianFloat32OfTheSameVector() {
        JsonNode floats = embed("{\"model\":\"kimi-k2.5\",\"input\":[1,2,3],\"dimensions\":8}");
        JsonNode base64 = embed("{\"model\":\"kimi-k2.5\",\"input\":[1,2,3],\"dimensions\":8,"
                + "\"encoding_format\":\"base64\"}");

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(
                base64.path("data").get(0).path("embedding").asString())).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : floats.path("data").get(0).path("embedding")) {
            assertThat(bytes.getFloat()).isEqualTo(value.floatValue());
        }
    }

    @Test
    void badInputIsA400NamingTheParameter() {
        for (String body : new String[] {"{\"model\":\"kimi-k2.5\"}", "{\"model\":\"kimi-k2.5\",\"input\":[]}",
                "{\"model\":\"kimi-k2.5\",\"input\":\"x\",\"dimensions\":0}",
                "{\"model\":\"kimi-k2.5\",\"input\":\"x\",\"encoding_format\":\"hex\"}"}) {
            client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").exists();
        }
        client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"nope\",\"input\":\"x\"}").exchange().expectStatus().isNotFound();
    }

    private JsonNode embed(String body) {
        return client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
