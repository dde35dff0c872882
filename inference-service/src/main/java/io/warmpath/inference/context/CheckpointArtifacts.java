package io.warmpath.inference.context;

import java.net.URI;
import java.time.Duration;

import io.netty.channel.ChannelOption;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.Checkpoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps each checkpoint a cell makes as an artifact of its session at artifact-service ({@code kind=checkpoint},
 * the session's data class), with the assertion the gateway gave the turn for that (scope
 * {@code artifacts:checkpoint}, which may store nothing else). The artifact is the checkpoint's durable, auditable
 * copy; session-service keeps the one the cells read. A store that fails leaves the checkpoint without an artifact.
 */
final class CheckpointArtifacts {

    private static final Logger log = LoggerFactory.getLogger(CheckpointArtifacts.class);

    private final @Nullable WebClient artifacts;
    private final JsonMapper json;
    private final String cellId;
    private final Duration timeout;

    CheckpointArtifacts(@Nullable URI artifactsUrl, String cellId, Duration timeout, JsonMapper json) {
        this.json = json;
        this.cellId = cellId;
        this.timeout = timeout;
        this.artifacts = artifactsUrl == null ? null : WebClient.builder()
                .baseUrl(artifactsUrl.toString())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(Math.max(1, timeout.toMillis())))
                        .responseTimeout(timeout)))
                .build();
    }

    /**
     * Stores the checkpoint; completes with its artifact id, or empty when it was not stored (no artifact-service, no
     * assertion for it, or a failure, which is logged).
     */
    Mono<String> store(Assertion turn, @Nullable String checkpointsAssertion, @Nullable String policyAssertion,
            Checkpoint checkpoint) {
        WebClient client = artifacts;
        if (client == null || checkpointsAssertion == null || turn.session() == null) {
            return Mono.empty();
        }
        ObjectNode document = json.createObjectNode().put("object", "warmpath.checkpoint")
                .put("session", turn.session()).put("cell", cellId);
        document.setAll((ObjectNode) json.valueToTree(checkpoint));
        return client.put()
                .uri(uri -> uri.path("/v1/artifacts")
                        .queryParam("name", "checkpoint-" + checkpoint.coveredMessages() + ".json")
                        .queryParam("session_id", turn.session())
                        .queryParam("data_class", turn.dataClass().wireName())
                        .queryParam("label", "kind=checkpoint")
                        .queryParam("label", "cell=" + cellId)
                        .build())
                .headers(headers -> {
                    headers.setBearerAuth(checkpointsAssertion);
                    // The same checkpoint of the same session is the same artifact, whoever retries it.
                    headers.set(WarmpathHeaders.IDEMPOTENCY_KEY, "checkpoint-" + turn.session() + "-"
                            + checkpoint.coveredHash() + "-" + Integer.toHexString(checkpoint.summary().hashCode()));
                    if (policyAssertion != null) {
                        headers.set(WarmpathHeaders.POLICY_ASSERTION, policyAssertion);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json.writeValueAsBytes(document))
                .retrieve()
                .bodyToMono(JsonNode.class)
                .timeout(timeout)
                .mapNotNull(stored -> stored.path("id").isString() ? stored.path("id").stringValue() : null)
                .onErrorResume(failure -> {
                    log.warn("A checkpoint of session {} was not stored as an artifact: {}", turn.session(),
                            failure instanceof WebClientResponseException answered
                                    ? "status " + answered.getStatusCode().value()
                                    : failure.getClass().getSimpleName());
                    return Mono.empty();
                });
    }
}
