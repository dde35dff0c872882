package io.warmpath.enginesim.openai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** vLLM's {@code cache_salt}: a salted prompt reuses only blocks cached under the same salt. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.01", "num-gpu-blocks-override=2048"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class CacheSaltIntegrationTest {

    private static final int BLOCK = 16;
    private static final String LABEL = "{model_name=\"kimi-k2.5\"}";

    @Autowired
    private WebTestClient client;
    @Autowired
    private JsonMapper jsonMapper;

    @Test
    void samePromptWithTheSameSaltIsServedFromCache() {
        String prompt = freshPrompt();

        JsonNode first = chat(prompt, "tenant-a");
        JsonNode second = chat(prompt, "tenant-a");

        assertThat(cachedTokens(first)).isZero();
        assertThat(cachedTokens(second)).isPositive().isEqualTo(reusable(second));
    }

    @Test
    void samePromptWithAnotherSaltGetsNoCachedTokens() {
        String prompt = freshPrompt();
        chat(prompt, "tenant-a");

        JsonNode otherSalt = chat(prompt, "tenant-b");

        assertThat(cachedTokens(otherSalt)).isZero();
    }

    @Test
    void saltedAndUnsaltedPromptsDoNotShareCache() {
        String unsaltedFirst = freshPrompt();
        chat(unsaltedFirst, null);
        String saltedFirst = freshPrompt();
        chat(saltedFirst, "tenant-a");

        JsonNode saltedAfterUnsalted = chat(unsaltedFirst, "tenant-a");
        JsonNode unsaltedAfterSalted = chat(saltedFirst, null);

        assertThat(cachedTokens(saltedAfterUnsalted)).isZero();
        assertThat(cachedTokens(unsaltedAfterSalted)).isZero();
    }

    @Test
    void aSaltKeepsItsBlocksWhileAnotherSaltRunsTheSamePrompt() {
        String prompt = freshPrompt();

        JsonNode firstA = chat(prompt, "tenant-a");
        JsonNode firstB = chat(prompt, "tenant-b");
        JsonNode againA = chat(prompt, "tenant-a");
        JsonNode againB = chat(prompt, "tenant-b");

        assertThat(cachedTokens(firstA)).isZero();
        assertThat(cachedTokens(firstB)).isZero();
        assertThat(cachedTokens(againA)).isPositive().isEqualTo(reusable(againA));
        assertThat(cachedTokens(againB)).isEqualTo(reusable(againB));
    }

    @Test
    void textCompletionsTakeTheSaltToo() {
        String prompt = freshPrompt();

        JsonNode first = complete(prompt, "tenant-a");
        JsonNode sameSalt = complete(prompt, "tenant-a");
        JsonNode otherSalt = complete(prompt, "tenant-b");
        JsonNode unsalted = complete(prompt, null);

        assertThat(cachedTokens(first)).isZero();
        assertThat(cachedTokens(sameSalt)).isPositive().isEqualTo(reusable(sameSalt));
        assertThat(cachedTokens(otherSalt)).isZero();
        assertThat(cachedTokens(unsalted)).isZero();
    }

    @Test
    void aNullSaltIsNoSalt() {
        String prompt = freshPrompt();
        chat(prompt, null);

        Map<String, Object> body = new HashMap<>(chatBody(prompt, null));
        body.put("cache_salt", null);
        JsonNode explicitNull = post("/v1/chat/completions", body, 200);

        assertThat(cachedTokens(explicitNull)).isEqualTo(reusable(explicitNull));
    }

    @Test
    void saltsAtTheLengthLimitAreAccepted() {
        String prompt = freshPrompt();
        // 128 characters as vLLM counts them (code points): the emoji are 256 UTF-16 units.
        String emoji = "\uD83D\uDD11".repeat(128);

        chat(prompt, "s".repeat(128));
        JsonNode longAscii = chat(prompt, "s".repeat(128));
        JsonNode longEmoji = chat(prompt, emoji);

        assertThat(cachedTokens(longAscii)).isEqualTo(reusable(longAscii));
        assertThat(cachedTokens(longEmoji)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"\"",
            "42",
            "true",
            "[\"tenant-a\"]",
            "{\"salt\": \"tenant-a\"}",
    })
    void aSaltThatIsNotANonEmptyStringIsABadRequest(String rawSalt) {
        for (String path : List.of("/v1/chat/completions", "/v1/completions")) {
            JsonNode error = expectBadSalt(path, rawSalt);

            assertThat(error.at("/error/message").stringValue())
                    .isEqualTo("Parameter 'cache_salt' must be a non-empty string if provided.");
        }
    }

    @ParameterizedTest
    @MethodSource("saltsWithAForbiddenCharacterOrTooLong")
    void aSaltWithAForbiddenCharacterOrOver128CharactersIsABadRequest(String rawSalt) {
        for (String path : List.of("/v1/chat/completions", "/v1/completions")) {
            JsonNode error = expectBadSalt(path, rawSalt);

            assertThat(error.at("/error/message").stringValue())
                    .startsWith("Parameter 'cache_salt' must be at most 128 characters and must not contain '@', '/'");
        }
    }

    /** JSON values: each forbidden character, then 129 characters (ASCII, and emoji as vLLM counts them). */
    static List<String> saltsWithAForbiddenCharacterOrTooLong() {
        return List.of("\"tenant@example\"", "\"tenants/a\"", "\"tenants\\\\a\"", "\"tenant\\u0000a\"",
                "\"" + "s".repeat(129) + "\"", "\"" + "\uD83D\uDD11".repeat(129) + "\"");
    }

    @Test
    void aBadSaltIsReportedBeforeOtherMistakesAndNeverQuoted() {
        JsonNode error = expectBadSaltBody("/v1/chat/completions",
                "{\"model\": \"gpt-9\", \"cache_salt\": \"secret/tenant-key\", \"messages\": []}");

        assertThat(error.at("/error/message").stringValue()).doesNotContain("secret");
    }

    @Test
    void tokenizeIgnoresTheSalt() {
        Map<String, Object> unsalted = Map.of("messages", List.of(Map.of("role", "user", "content", "Count me.")));
        Map<String, Object> salted = new HashMap<>(unsalted);
        salted.put("cache_salt", "tenant-a");
        Map<String, Object> invalidSalt = new HashMap<>(unsalted);
        invalidSalt.put("cache_salt", "not/valid@all");

        JsonNode plain = post("/tokenize", unsalted, 200);
        JsonNode withSalt = post("/tokenize", salted, 200);
        JsonNode withInvalidSalt = post("/tokenize", invalidSalt, 200);

        assertThat(withSalt.path("tokens")).isEqualTo(plain.path("tokens"));
        assertThat(withInvalidSalt.path("tokens")).isEqualTo(plain.path("tokens"));
        assertThat(withSalt.path("count").intValue()).isEqualTo(plain.path("count").intValue()).isPositive();
    }

    @Test
    void prefixCacheMetricsCountSaltedRequestsAsBefore() {
        String prompt = freshPrompt();
        String before = scrape();

        JsonNode first = chat(prompt, "tenant-a");
        JsonNode sameSalt = chat(prompt, "tenant-a");
        JsonNode otherSalt = chat(prompt, "tenant-b");
        String after = scrape();

        int promptTokens = first.at("/usage/prompt_tokens").intValue();
        assertThat(value(after, "vllm:prefix_cache_queries_total") - value(before, "vllm:prefix_cache_queries_total"))
                .isEqualTo(3.0 * promptTokens);
        assertThat(value(after, "vllm:prefix_cache_hits_total") - value(before, "vllm:prefix_cache_hits_total"))
                .isEqualTo(cachedTokens(first) + cachedTokens(sameSalt) + cachedTokens(otherSalt))
                .isEqualTo(reusable(sameSalt));
    }

    /** A prompt no other test sends, long enough for several full blocks. */
    private static String freshPrompt() {
        return "Tenant context " + UUID.randomUUID() + ". " + "Keep the ledger balanced. ".repeat(20);
    }

    private JsonNode chat(String prompt, String cacheSalt) {
        return post("/v1/chat/completions", chatBody(prompt, cacheSalt), 200);
    }

    private static Map<String, Object> chatBody(String prompt, String cacheSalt) {
        Map<String, Object> body = new HashMap<>();
        body.put("messages", List.of(Map.of("role", "user", "content", prompt)));
        body.put("max_tokens", 2);
        if (cacheSalt != null) {
            body.put("cache_salt", cacheSalt);
        }
        return body;
    }

    private JsonNode complete(String prompt, String cacheSalt) {
        Map<String, Object> body = new HashMap<>();
        body.put("prompt", prompt);
        body.put("max_tokens", 2);
        if (cacheSalt != null) {
            body.put("cache_salt", cacheSalt);
        }
        return post("/v1/completions", body, 200);
    }

    private JsonNode post(String path, Object body, int status) {
        byte[] response = client.post().uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectBody(byte[].class).returnResult().getResponseBody();
        return jsonMapper.readTree(response);
    }

    /** Sends a valid request of the endpoint with {@code rawSalt} as its cache_salt; expects vLLM's 400. */
    private JsonNode expectBadSalt(String path, String rawSalt) {
        String prompt = path.endsWith("chat/completions")
                ? "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]"
                : "\"prompt\": \"hi\"";
        return expectBadSaltBody(path, "{" + prompt + ", \"max_tokens\": 2, \"cache_salt\": " + rawSalt + "}");
    }

    private JsonNode expectBadSaltBody(String path, String rawBody) {
        byte[] body = client.post().uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(rawBody)
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody();
        JsonNode error = jsonMapper.readTree(body);
        assertThat(error.at("/error/type").stringValue()).isEqualTo("BadRequestError");
        assertThat(error.at("/error/param").stringValue()).isEqualTo("cache_salt");
        assertThat(error.at("/error/code").stringValue()).isEqualTo("invalid_request");
        assertThat(error.at("/error/message").stringValue()).contains("'cache_salt'");
        return error;
    }

    private static int cachedTokens(JsonNode answer) {
        return answer.at("/usage/prompt_tokens_details/cached_tokens").intValue();
    }

    /** What a repeat of the prompt can take from cache: its full blocks, short of its last token. */
    private static int reusable(JsonNode answer) {
        return (answer.at("/usage/prompt_tokens").intValue() - 1) / BLOCK * BLOCK;
    }

    private String scrape() {
        return client.get().uri("/metrics").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private static double value(String exposition, String metric) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(metric + LABEL) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(exposition);
        assertThat(matcher.find()).as("series %s is exposed", metric).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
