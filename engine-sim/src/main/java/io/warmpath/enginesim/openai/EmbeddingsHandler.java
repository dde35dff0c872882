package io.warmpath.enginesim.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/embeddings} in vLLM's shape, with deterministic vectors: each input's embedding is a unit vector
 * drawn from a generator seeded by its tokens, so the same input always gets the same vector, and different inputs
 * (almost surely) different ones. Usage counts the inputs' tokens. Answered at once: a pooling request is one
 * prefill, which the simulator does not time.
 */
@Component
class EmbeddingsHandler {

    private final RequestParser parser;

    EmbeddingsHandler(RequestParser parser) {
        this.parser = parser;
    }

    Mono<ServerResponse> embeddings(ServerRequest request) {
        return request.bodyToMono(String.class)
                .defaultIfEmpty("")
                .publishOn(Schedulers.parallel())
                .map(parser::parseEmbeddings)
                .flatMap(parsed -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(OpenAiJson.write(answer(parsed))))
                .onErrorResume(OpenAiErrors::toResponse);
    }

    private static ObjectNode answer(EmbeddingRequest request) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode answer = nodes.objectNode();
        answer.put("id", "embd-" + UUID.randomUUID().toString().replace("-", ""));
        answer.put("object", "list");
        answer.put("created", System.currentTimeMillis() / 1000);
        answer.put("model", request.model());
        ArrayNode data = answer.putArray("data");
        long tokens = 0;
        for (int index = 0; index < request.inputs().size(); index++) {
            int[] input = request.inputs().get(index);
            tokens += input.length;
            float[] vector = embedding(input, request.dimensions());
            ObjectNode item = data.addObject();
            item.put("index", index);
            item.put("object", "embedding");
            if (request.base64()) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float value : vector) {
                    bytes.putFloat(value);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            }
            else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
        }
        answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return answer;
    }

    /** A unit vector seeded by the tokens. */
    static float[] embedding(int[] tokens, int dimensions) {
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(tokens) * 0x9E3779B97F4A7C15L + tokens.length);
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double value = random.nextDouble(-1, 1);
            vector[i] = (float) value;
            norm += value * value;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }
}
