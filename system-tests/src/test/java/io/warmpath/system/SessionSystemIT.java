package io.warmpath.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.warmpath.cli.token.TokenSpec;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.system.GatewayClient.Conversation;
import io.warmpath.system.GatewayClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sessions, bindings and budgets across the real services and a real Redis: stickiness through scale-out, exact
 * budgets under concurrency, tenant and workflow isolation, the default region, data class and role policies, and
 * what happens when Redis goes away. Tests that change
 * the stack (a new cell, Redis stopped) run last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionSystemIT {

    private static final String MODEL = WarmpathStack.MODEL;
    private static final String PREFIX_BREAK = WarmpathHeaders.PREFIX_BREAK;

    private WarmpathStack stack;
    private GatewayClient secondGateway;
    private GatewayClient gateway;
    private String acme;
    private String acmeSessions;
    private String globex;

    @BeforeAll
    void startStack() throws Exception {
        stack = WarmpathStack.start("sessions", 2, 0.02);
        gateway = new GatewayClient(stack.gateway().url("/"));
        acme = DevCredentials.token(stack.keyDir(), "acme", "inference:invoke");
        acmeSessions = DevCredentials.token(stack.keyDir(), "acme", "inference:invoke", "sessions:write");
        globex = DevCredentials.token(stack.keyDir(), "globex", "inference:invoke", "sessions:write");
    }

    /** A second gateway beside the first, sharing its services and Redis, once it routes. */
    private GatewayClient secondGateway() throws Exception {
        if (secondGateway == null) {
            secondGateway = new GatewayClient(stack.startSecondGateway().url("/"));
            // It serves once its first probes found the cells healthy.
            String token = DevCredentials.token(stack.keyDir(), "probe", "inference:invoke");
            ObjectNode hello = new Conversation(MODEL, "You are a probe.").turn("Hello.").put("max_tokens", 1);
            int status = 0;
            for (long until = System.nanoTime() + Duration.ofSeconds(15).toNanos(); status != 200
                    && System.nanoTime() < until; Thread.sleep(200)) {
                status = secondGateway.chat(token, null, hello).status();
            }
            assertThat(status).isEqualTo(200);
        }
        return secondGateway;
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void explicitSessionKeepsItsCellAndItsLedgerCountsEveryTurn() throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"code-review\",\"data_class\":\"internal\"}");
        String token = session.path("affinity_token").asString();
        assertThat(token).startsWith("wpt_");

        Conversation conversation = new Conversation(MODEL, GatewayClient.systemPrompt("agent-ledger"));
        String cell = null;
        long cached = 0;
        for (int turn = 1; turn <= 3; turn++) {
            Reply reply = gateway.chat(acme, token, conversation.turn("Step " + turn + ": continue the review."));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            cell = cell == null ? reply.cell() : cell;
            assertThat(reply.cell()).isEqualTo(cell);
            cached += reply.cachedTokens();
            conversation.answered(reply);
        }

        JsonNode usage = awaitUsageTurns(session.path("id").asString(), 3);
        assertThat(usage.path("cached_tokens").asLong()).isEqualTo(cached).isPositive();
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(3 * 12);
        assertThat(usage.path("cache_hit_ratio").asDouble()).isBetween(0.3, 1.0);
        assertThat(usage.path("cost_usd").asDouble()).isPositive();
    }

    @Test
    @Order(2)
    void budgetThatFitsTenTurnsAdmitsExactlyTenOfFiftyConcurrentTurns() throws Exception {
        ObjectNode body = new Conversation(MODEL, "You are agent budget.").turn("Count to three.");
        body.put("max_tokens", 8);
        Reply probe = gateway.chat(acme, "budget-probe", body);
        assertThat(probe.status()).as(probe.body()).isEqualTo(200);
        long perTurn = probe.promptTokens() + 8;

        JsonNode session = createSession(acmeSessions,
                "{\"workflow\":\"budget\",\"budgets\":{\"max_total_tokens\":" + (10 * perTurn) + "}}");
        String token = session.path("affinity_token").asString();

        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Callable<Reply> turn = () -> gateway.chat(acme, token, body);
                replies.add(pool.submit(turn));
            }
            Map<Integer, Integer> byStatus = new HashMap<>();
            for (Future<Reply> reply : replies) {
                Reply answer = reply.get();
                byStatus.merge(answer.status(), 1, Integer::sum);
                if (answer.status() == 429) {
                    assertThat(answer.json().path("error").path("code").asString()).isEqualTo("budget_exceeded");
                }
            }
            // Exactly ten admitted; the rest refused for the budget, or (a few, on a busy machine) shed by the burst
            // itself with a 503 to retry, which would then meet the budget too.
            assertThat(byStatus).containsEntry(200, 10);
            assertThat(byStatus.keySet()).isSubsetOf(200, 429, 503);
            assertThat(byStatus.getOrDefault(503, 0)).isLessThanOrEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        Reply refused = gateway.chat(acme, token, body);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("error").path("code").asString()).isEqualTo("budget_exceeded");
        assertThat(awaitUsageTurns(session.path("id").asString(), 10).path("prompt_tokens").asLong())
                .isEqualTo(10 * probe.promptTokens());
    }

    @Test
    @Order(3)
    void turnLongerThanTheContextBudgetIsRefusedNamingTheLimit() throws Exception {
        JsonNode session = createSession(acmeSessions,
                "{\"workflow\":\"tiny\",\"budgets\":{\"max_context_tokens\":40}}");
        Reply reply = gateway.chat(acme, session.path("affinity_token").asString(),
                new Conversation(MODEL, GatewayClient.systemPrompt("agent-long")).turn("Go."));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("code").asString()).isEqualTo("context_length_exceeded");
        assertThat(reply.json().path("error").path("message").asString()).contains("40");
    }

    @Test
    @Order(4)
    void tokenOfAnotherTenantRevealsNothingAndAnotherWorkflowIsRefused() throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"private-agent\"}");
        String token = session.path("affinity_token").asString();
        ObjectNode body = new Conversation(MODEL, "You are agent isolation.").turn("Hi");

        Reply foreign = gateway.chat(globex, token, body);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).doesNotContain(session.path("id").asString());
        Reply foreignRead = gateway.get("/v1/sessions/" + session.path("id").asString(), globex);
        assertThat(foreignRead.status()).isEqualTo(404);

        Reply otherWorkflow = gateway.post("/v1/chat/completions", acme,
                Map.of("x-session-affinity", token, "x-workflow", "someone-else"), GatewayClient.JSON.writeValueAsString(body));
        assertThat(otherWorkflow.status()).isEqualTo(403);

        // The same implicit key from two tenants is two sessions, each with its own ledger.
        assertThat(gateway.chat(acme, "shared-key", body).status()).isEqualTo(200);
        assertThat(gateway.chat(globex, "shared-key", body).status()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void rotatedOrClosedTokenStopsResolving() throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"rotating\"}");
        String id = session.path("id").asString();
        String old = session.path("affinity_token").asString();
        Reply rotated = gateway.post("/v1/sessions/" + id + "/rotate", acmeSessions, Map.of(), "");
        assertThat(rotated.status()).isEqualTo(200);
        String fresh = rotated.json().path("affinity_token").asString();
        ObjectNode body = new Conversation(MODEL, "You are agent rotation.").turn("Hi");

        awaitStatus(() -> gateway.chat(acme, old, body), 404);
        assertThat(gateway.chat(acme, fresh, body).status()).isEqualTo(200);
        assertThat(gateway.delete("/v1/sessions/" + id, acmeSessions).status()).isEqualTo(204);
        awaitStatus(() -> gateway.chat(acme, fresh, body), 404);
    }

    @Test
    @Order(6)
    void confidentialSessionIsServedOnlyForARoleThatMayProcessIt() throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"hr-review\",\"data_class\":\"confidential\"}");
        String affinity = session.path("affinity_token").asString();
        ObjectNode body = new Conversation(MODEL, "You are agent confidential.").turn("Summarise the file.");

        Reply refused = gateway.chat(acme, affinity, body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asString()).isEqualTo("region_not_allowed");

        String cleared = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults().withTenant("acme")
                .withScopes("inference:invoke").withRoles(List.of("data:confidential")));
        assertThat(gateway.chat(cleared, affinity, body).status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void regulatedSessionIsServedOnlyInARegionItsTenantAllows() throws Exception {
        ObjectNode body = new Conversation(MODEL, "You are agent regulated.").turn("Check the claim.");
        String regulatedSession = "{\"workflow\":\"claims\",\"data_class\":\"regulated\"}";

        // acme allows regulated data in no region, so even a cleared principal is refused on the local cells.
        String acmeCleared = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults().withTenant("acme")
                .withScopes("inference:invoke", "sessions:write").withRoles(List.of("data:regulated")));
        String acmeAffinity = createSession(acmeCleared, regulatedSession).path("affinity_token").asString();
        Reply refused = gateway.chat(acmeCleared, acmeAffinity, body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asString()).isEqualTo("region_not_allowed");

        // The default tenant data lets tenant dev keep regulated data in region local.
        String devCleared = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults().withTenant("dev")
                .withScopes("inference:invoke", "sessions:write").withRoles(List.of("data:regulated")));
        String devAffinity = createSession(devCleared, regulatedSession).path("affinity_token").asString();
        assertThat(gateway.chat(devCleared, devAffinity, body).status()).isEqualTo(200);

        String devUncleared = DevCredentials.token(stack.keyDir(), "dev", "inference:invoke");
        assertThat(gateway.chat(devUncleared, devAffinity, body).status()).isEqualTo(403);
    }

    @Test
    @Order(8)
    void sessionPinnedToAnotherRegionIsRefusedNotMoved() throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"pinned\",\"region\":\"eu-west\"}");
        Reply refused = gateway.chat(acme, session.path("affinity_token").asString(),
                new Conversation(MODEL, "You are agent pinned.").turn("Hi"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asString()).isEqualTo("region_not_allowed");
    }

    @Test
    @Order(9)
    void anApiKeyWorksInTheOfficialOpenAiSdkWithOnlyPromptCacheKeyPlainAndStreamedUntilItIsRevoked()
            throws Exception {
        String admin = DevCredentials.token(stack.keyDir(), "acme", "keys:admin", "inference:invoke");
        Reply created = gateway.post("/v1/keys", admin, Map.of(),
                "{\"name\":\"sdk\",\"scopes\":[\"inference:invoke\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.json().path("key").asString();
        assertThat(key).startsWith("wpk_");

        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(stack.gateway().url("/v1").toString())
                .apiKey(key).maxRetries(0).build();
        try {
            String prompt = GatewayClient.systemPrompt("key-agent");
            ChatCompletionCreateParams turn = ChatCompletionCreateParams.builder().model(MODEL)
                    .addSystemMessage(prompt).addUserMessage("Plan the release.").maxCompletionTokens(12)
                    // OpenAI's own field, and no custom header: the gateway takes it as the session value.
                    .promptCacheKey("sdk-key-session").build();
            ChatCompletion first = client.chat().completions().create(turn);
            ChatCompletion second = client.chat().completions().create(turn);
            assertThat(first.choices()).isNotEmpty();
            assertThat(second.usage().flatMap(usage -> usage.promptTokensDetails())
                    .flatMap(details -> details.cachedTokens()).orElse(0L)).as("cached on turn 2").isPositive();
            long streamedCached;
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    turn.toBuilder().streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                            .build())) {
                streamedCached = stream.stream().flatMap(chunk -> chunk.usage().stream())
                        .mapToLong(usage -> usage.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L))
                        .sum();
            }
            assertThat(streamedCached).isPositive();

            // A second gateway accepts the key too, until it is revoked through the first.
            GatewayClient otherGateway = secondGateway();
            ObjectNode plain = new Conversation(MODEL, "You are agent key-2.").turn("Hello.");
            int status = 0;
            // The new gateway serves once its first probes found the cells healthy.
            for (long until = System.nanoTime() + Duration.ofSeconds(15).toNanos(); status != 200
                    && System.nanoTime() < until; Thread.sleep(200)) {
                status = otherGateway.chat(key, "sdk-key-session-2", plain).status();
            }
            assertThat(status).isEqualTo(200);

            Reply revoked = gateway.delete("/v1/keys/" + created.json().path("id").asString(), admin);
            assertThat(revoked.status()).isEqualTo(204);
            long revokedAt = System.nanoTime();
            // Documented: a revoked key stops working on every gateway within warmpath.gateway.keys.cache-ttl (1 s
            // in this stack); allow for a busy machine.
            boolean refusedHere = false;
            boolean refusedThere = false;
            while ((!refusedHere || !refusedThere) && System.nanoTime() - revokedAt < Duration.ofSeconds(10).toNanos()) {
                try {
                    client.chat().completions().create(turn);
                } catch (UnauthorizedException expected) {
                    refusedHere = true;
                }
                refusedThere |= otherGateway.chat(key, "sdk-key-session-2", plain).status() == 401;
                Thread.sleep(200);
            }
            assertThat(refusedHere).as("refused by the gateway it was revoked through").isTrue();
            assertThat(refusedThere).as("refused by the other gateway").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(5));
        } finally {
            client.close();
        }
    }

    @Test
    @Order(10)
    void aTenantOverItsRequestOrTokenRateGets429OnEveryGatewaySharingRedisWhileAnotherTenantGoesOn()
            throws Exception {
        GatewayClient other = secondGateway();
        String limited = DevCredentials.token(stack.keyDir(), WarmpathStack.RATE_LIMITED_TENANT, "inference:invoke");
        ObjectNode hello = new Conversation(MODEL, "You are a rate-limited agent.").turn("Hello.").put("max_tokens", 4);

        // 4 requests a minute, counted by both gateways together.
        List<String> remaining = new ArrayList<>();
        for (GatewayClient via : List.of(gateway, other, gateway, other)) {
            Reply served = via.chat(limited, null, hello);
            assertThat(served.status()).as(served.body()).isEqualTo(200);
            remaining.add(served.headers().get("x-ratelimit-remaining-requests").getFirst());
        }
        assertThat(remaining).containsExactly("3", "2", "1", "0");
        for (GatewayClient via : List.of(gateway, other)) {
            Reply refused = via.chat(limited, null, hello);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("error").path("code").asString()).isEqualTo("rate_limit_exceeded");
            assertThat(refused.headers().get("retry-after")).isNotEmpty();
            assertThat(refused.headers().get("x-ratelimit-limit-requests")).containsExactly("4");
            assertThat(refused.headers().get("x-ratelimit-reset-requests")).isNotEmpty();
        }
        assertThat(other.chat(acme, null, hello).status()).as("another tenant is unaffected").isEqualTo(200);

        // 3000 tokens a minute: a turn of 2500 (the engine generates all of them) leaves too few for 1000 more.
        String heavy = DevCredentials.token(stack.keyDir(), WarmpathStack.TOKEN_LIMITED_TENANT, "inference:invoke");
        Reply big = gateway.chat(heavy, null, hello.deepCopy().put("max_tokens", 2500));
        assertThat(big.status()).as(big.body()).isEqualTo(200);
        assertThat(big.headers().get("x-ratelimit-limit-tokens")).containsExactly("3000");
        assertThat(Long.parseLong(big.headers().get("x-ratelimit-remaining-tokens").getFirst())).isLessThan(500);
        Reply refused = other.chat(heavy, null, hello.deepCopy().put("max_tokens", 1000));
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.json().path("error").path("code").asString()).isEqualTo("token_rate_limit_exceeded");
        assertThat(refused.json().path("error").path("type").asString()).isEqualTo("tokens");
        assertThat(refused.headers().get("retry-after")).isNotEmpty();
        assertThat(other.chat(acme, null, hello.deepCopy().put("max_tokens", 1000)).status()).isEqualTo(200);
    }

    @Test
    @Order(11)
    void aTenantAtItsCapOfImplicitSessionsGets429ForANewOneWhileItsOpenOnesGoOn() throws Exception {
        String capped = DevCredentials.token(stack.keyDir(), WarmpathStack.SESSION_CAPPED_TENANT, "inference:invoke");
        ObjectNode hello = new Conversation(MODEL, "You are a capped agent.").turn("Hello.").put("max_tokens", 4);

        assertThat(gateway.chat(capped, "capped-1", hello).status()).isEqualTo(200);
        assertThat(gateway.chat(capped, "capped-2", hello).status()).isEqualTo(200);
        Reply third = gateway.chat(capped, "capped-3", hello);
        assertThat(third.status()).as(third.body()).isEqualTo(429);
        assertThat(third.json().path("error").path("code").asString()).isEqualTo("session_limit_exceeded");
        assertThat(third.headers().get("retry-after")).isNotEmpty();
        assertThat(gateway.chat(capped, "capped-1", hello).status()).as("an open session goes on").isEqualTo(200);
    }

    @Test
    @Order(12)
    void aChangedSystemPromptOnTurnThreeIsReportedOnThatTurnAndInTheSessionsUsage() throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"prefix-check\"}");
        String token = session.path("affinity_token").asString();
        String id = session.path("id").asString();
        String system = GatewayClient.systemPrompt("prefix-agent");
        Conversation conversation = new Conversation(MODEL, system);

        Reply first = gateway.chat(acme, token, conversation.turn("Find the flaky test."));
        conversation.answered(first);
        Reply second = gateway.chat(acme, token, conversation.turn("Why is it flaky?"));
        conversation.answered(second);
        assertThat(first.headers()).doesNotContainKey(PREFIX_BREAK);
        assertThat(second.headers()).as("an appended turn breaks nothing").doesNotContainKey(PREFIX_BREAK);
        assertThat(second.cachedTokens()).isPositive();

        // Turn 3: the same conversation under a system prompt that now carries the time, as many agents' do.
        ObjectNode third = conversation.turn("Fix it.");
        ((ObjectNode) third.path("messages").get(0)).put("content", system + " The time is 10:42.");
        Reply changed = gateway.chat(acme, token, third);

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.headers().get(PREFIX_BREAK)).containsExactly("system@0");
        assertThat(changed.cachedTokens()).as("the engine's cache held nothing past the break")
                .isLessThan(second.cachedTokens());
        JsonNode breaks = awaitUsageTurns(id, 3).path("prefix_breaks");
        assertThat(breaks.path("system").asLong()).isEqualTo(1);
        assertThat(breaks.path("tools").asLong() + breaks.path("history").asLong()).isZero();
        assertThat(breaks.path("last").asString()).isEqualTo("system@0");
    }

    @Test
    @Order(13)
    void aSessionsTrimmedToolSetStaysFixedOverItsTurnsAndItsSavedTokensAreCounted() throws Exception {
        String tools = DevCredentials.token(stack.keyDir(), "acme", "inference:invoke", "sessions:write",
                "tools:read_log", "tools:run_job", "tools:deploy");
        // The workflow's history: a window of turns that offer three tools and call only read_log.
        JsonNode earlier = createSession(tools, "{\"workflow\":\"trim-check\"}");
        Conversation history = toolConversation("trim-history");
        for (int turn = 0; turn < WarmpathStack.TOOL_TRIMMING_WINDOW; turn++) {
            ObjectNode body = history.turn("Read the build log " + turn + ".");
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "read_log");
            Reply reply = gateway.chat(tools, earlier.path("affinity_token").asString(), body);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json().path("choices").path(0).path("message").path("tool_calls").path(0)
                    .path("function").path("name").asString()).isEqualTo("read_log");
        }
        awaitUsageTurns(earlier.path("id").asString(), WarmpathStack.TOOL_TRIMMING_WINDOW);
        // The workflow's record follows each turn's ledger entry within the same call to session-service.
        Thread.sleep(200);

        JsonNode session = createSession(tools, "{\"workflow\":\"trim-check\"}");
        String token = session.path("affinity_token").asString();
        Conversation conversation = toolConversation("trim-agent");
        Reply first = gateway.chat(tools, token, conversation.turn("Why did the deploy fail?"));
        conversation.answered(first);
        // The client sends its tools in another order now: the session's set is the same, and so is its prefix.
        ObjectNode reordered = conversation.turn("Look again.");
        ArrayNode offered = (ArrayNode) reordered.path("tools");
        reordered.set("tools", GatewayClient.JSON.createArrayNode().add(offered.get(2)).add(offered.get(0)).add(offered.get(1)));
        Reply second = gateway.chat(tools, token, reordered);
        conversation.answered(second);
        Reply optedOut = gateway.post("/v1/chat/completions", tools, Map.of("x-session-affinity", token,
                WarmpathHeaders.TOOL_TRIMMING, WarmpathHeaders.TOOL_TRIMMING_OFF),
                GatewayClient.JSON.writeValueAsString(conversation.turn("And now?")));

        for (Reply reply : List.of(first, second, optedOut)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        }
        assertThat(first.headers().get(WarmpathHeaders.TOOLS_TRIMMED)).containsExactly("2");
        assertThat(second.headers().get(WarmpathHeaders.TOOLS_TRIMMED)).containsExactly("2");
        assertThat(second.headers()).as("the same tools in the same order").doesNotContainKey(PREFIX_BREAK);
        assertThat(second.cachedTokens()).isPositive();
        assertThat(optedOut.headers()).doesNotContainKey(WarmpathHeaders.TOOLS_TRIMMED);
        assertThat(optedOut.promptTokens() - second.promptTokens())
                .as("the two tools the session trims, offered again (and a turn longer)").isGreaterThan(100);
        JsonNode trimming = awaitUsageTurns(session.path("id").asString(), 3).path("tool_trimming");
        assertThat(trimming.path("decided").asBoolean()).isTrue();
        assertThat(trimming.path("trimmed_tools").values()).extracting(JsonNode::asString)
                .containsExactly("run_job", "deploy");
        assertThat(trimming.path("tokens_saved").asLong()).as("two turns' worth").isGreaterThan(200);
    }

    @Test
    @Order(14)
    void aCheckpointedSessionsLaterTurnsAreCachedAndItsEngineGetsFewerPromptTokensThanTheClientSent()
            throws Exception {
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"checkpoint-check\","
                + "\"context_policy\":\"checkpoint\",\"budgets\":{\"max_context_tokens\":5000}}");
        String token = session.path("affinity_token").asString();
        Conversation conversation = new Conversation(MODEL, "You are checkpoint-agent. Answer briefly.");
        Reply before = null;
        Reply checkpointed = null;
        // About 130 tokens a turn (some 170 as the cell counts, a third of the bytes): past 0.75 of the limit after
        // some 22 turns, when the first checkpoint is made in the background; a later turn is sent with it, and the
        // next checkpoint is a dozen turns away.
        for (int turn = 0; turn < 60 && checkpointed == null; turn++) {
            Reply reply = gateway.chat(acmeSessions, token, conversation.turn("Step " + turn + ": "
                    + "the deploy log shows the migration timing out on the orders table again. ".repeat(6)));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            conversation.answered(reply);
            String header = reply.headers().getOrDefault(WarmpathHeaders.CHECKPOINT, List.of("")).getFirst();
            if (header.matches("\\d+")) {
                checkpointed = reply;
            } else {
                before = reply;
            }
        }
        assertThat(checkpointed).as("a turn sent with a checkpoint").isNotNull();
        assertThat(before).isNotNull();
        assertThat(checkpointed.promptTokens()).as("the client sent one turn more than before; the engine got less")
                .isLessThan(before.promptTokens());

        Reply next = gateway.chat(acmeSessions, token, conversation.turn("And the orders table now?"));
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.headers().get(WarmpathHeaders.CHECKPOINT)).isEqualTo(checkpointed.headers()
                .get(WarmpathHeaders.CHECKPOINT));
        assertThat(next.headers()).as("the checkpoint's prefix holds").doesNotContainKey(PREFIX_BREAK);
        assertThat(next.cachedTokens()).as("the summary and the turns after it came from cache").isPositive();
        assertThat(next.promptTokens()).isLessThan(before.promptTokens());

        JsonNode checkpoints = null;
        for (int attempt = 0; attempt < 50; attempt++, Thread.sleep(100)) {
            // Each turn's usage reaches session-service after its answer.
            checkpoints = gateway.get("/v1/sessions/" + session.path("id").asString() + "/usage", acmeSessions)
                    .json().path("checkpoints");
            if (checkpoints.path("turns_applied").asLong() >= 2) {
                break;
            }
        }
        assertThat(checkpoints.path("policy").asString()).isEqualTo("checkpoint");
        String reader = DevCredentials.token(stack.keyDir(), "acme", "artifacts:read");
        Reply kept = gateway.get("/v1/artifacts?session=" + session.path("id").asString() + "&kind=checkpoint", reader);
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(kept.json().path("data").values()).as("each checkpoint kept as an artifact of the session")
                .isNotEmpty();
        assertThat(checkpoints.path("count").asLong()).isPositive();
        assertThat(checkpoints.path("turns_applied").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(checkpoints.path("tokens_removed").asLong()).isPositive();
    }

    @Test
    @Order(60) // after scale-out, which counts the default model's cells
    void autoTakesTheCheaperModelOnlyWhereTheCostRuleSaysSo() throws Exception {
        stack.addLightCell();
        String system = GatewayClient.systemPrompt("routing-agent");

        // A cold turn: no cache anywhere, and the light model's price wins.
        Reply cold = gateway.chat(acme, null, routed(new Conversation(MODEL, system).turn("Which test is flaky?")));
        assertThat(cold.status()).as(cold.body()).isEqualTo(200);
        assertThat(cold.headers().get(WarmpathHeaders.MODEL_ROUTE).getFirst())
                .startsWith(WarmpathStack.LIGHT_MODEL + "; alternative=" + MODEL);
        assertThat(cold.json().path("model").asString()).isEqualTo(WarmpathStack.LIGHT_MODEL);

        // A session warm on the default model: its cached prompt costs less there than the light model's cold one.
        JsonNode session = createSession(acmeSessions, "{\"workflow\":\"routing-check\"}");
        String token = session.path("affinity_token").asString();
        Conversation conversation = new Conversation(MODEL, system);
        for (String question : List.of("Which test is flaky?", "Since when?")) {
            Reply warmUp = gateway.chat(acmeSessions, token, conversation.turn(question));
            assertThat(warmUp.status()).as(warmUp.body()).isEqualTo(200);
            assertThat(warmUp.headers()).as("a model named is never rerouted")
                    .doesNotContainKey(WarmpathHeaders.MODEL_ROUTE);
            conversation.answered(warmUp);
        }
        Reply warm = gateway.chat(acmeSessions, token, routed(conversation.turn("Fix it.")));
        assertThat(warm.status()).as(warm.body()).isEqualTo(200);
        String route = warm.headers().get(WarmpathHeaders.MODEL_ROUTE).getFirst();
        assertThat(route).startsWith(MODEL + "; alternative=" + WarmpathStack.LIGHT_MODEL);
        assertThat(warm.json().path("model").asString()).isEqualTo(MODEL);
        assertThat(warm.cachedTokens()).as("it stayed where its cache is").isPositive();
        JsonNode routing = awaitUsageTurns(session.path("id").asString(), 3).path("model_routing");
        assertThat(routing.path("turns").asLong()).as("the routed turn, recorded in the session's usage").isEqualTo(1);
        assertThat(routing.path("last_model").asString()).isEqualTo(MODEL);
        assertThat(routing.path("last_alternative").asString()).isEqualTo(WarmpathStack.LIGHT_MODEL);

        // The client says the turn is heavy: the default model, whatever the prices.
        Reply heavy = gateway.post("/v1/chat/completions", acme, Map.of(WarmpathHeaders.WORKLOAD_CLASS, "heavy"),
                GatewayClient.JSON.writeValueAsString(routed(new Conversation(MODEL, system).turn("Refactor it."))));
        assertThat(heavy.status()).as(heavy.body()).isEqualTo(200);
        assertThat(heavy.headers().get(WarmpathHeaders.MODEL_ROUTE).getFirst()).startsWith(MODEL + ";");
    }

    /** The turn, for the routing alias instead of a model. */
    private static ObjectNode routed(ObjectNode turn) {
        return turn.put("model", WarmpathStack.ROUTING_ALIAS);
    }

    /** A conversation that offers three long tools: read_log, run_job and deploy. */
    private static Conversation toolConversation(String agent) {
        return new Conversation(MODEL, GatewayClient.systemPrompt(agent))
                .withTools(List.of("read_log", "run_job", "deploy"));
    }

    @Test
    @Order(50)
    void scaleOutKeepsEveryBoundSessionAndNewSessionsUseTheNewCell() throws Exception {
        Map<String, String> homes = new HashMap<>();
        Map<String, Conversation> conversations = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            String session = "scale-" + i;
            Conversation conversation = new Conversation(MODEL, "You are agent " + session + ".");
            Reply reply = gateway.chat(acme, session, conversation.turn("Start."));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            conversation.answered(reply);
            homes.put(session, reply.cell());
            conversations.put(session, conversation);
        }

        String added = stack.addCell();

        for (var home : homes.entrySet()) {
            Reply next = gateway.chat(acme, home.getKey(), conversations.get(home.getKey()).turn("Continue."));
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.cell()).as("session %s after scale-out", home.getKey()).isEqualTo(home.getValue());
            assertThat(next.cachedTokens()).isPositive();
        }
        List<String> newCells = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            newCells.add(gateway.chat(acme, "after-scale-" + i,
                    new Conversation(MODEL, "You are agent new-" + i + ".").turn("Start.")).cell());
        }
        assertThat(newCells).contains(added);
    }

    @Test
    @Order(100)
    void withRedisDownImplicitSessionsAreStillAnsweredAndBudgetedSessionsFailClosed() throws Exception {
        JsonNode session = createSession(acmeSessions,
                "{\"workflow\":\"outage\",\"budgets\":{\"max_total_tokens\":1000000}}");
        String token = session.path("affinity_token").asString();
        ObjectNode body = new Conversation(MODEL, "You are agent outage.").turn("Hi");
        assertThat(gateway.chat(acme, token, body).status()).isEqualTo(200);

        stack.stopRedis();
        try {
            Reply implicit = awaitStatus(() -> gateway.chat(acme, "outage-implicit-" + System.nanoTime(), body), 200);
            assertThat(implicit.cell()).isIn(stack.cellIds());
            // The gateway still knows the token from its near cache; the cell cannot reserve its budget.
            Reply budgeted = awaitStatus(() -> gateway.chat(acme, token, body), 503);
            assertThat(budgeted.headers()).containsKey("retry-after");
            assertThat(budgeted.json().path("error").path("code").asString()).isEqualTo("session_service_unavailable");
            // A token the gateway has not seen cannot be checked at all.
            Reply unknown = awaitStatus(() -> gateway.chat(acme, "wpt_" + "a".repeat(43), body), 503);
            assertThat(unknown.headers()).containsKey("retry-after");
        } finally {
            stack.startRedis();
        }
    }

    private JsonNode createSession(String token, String body) throws Exception {
        Reply created = gateway.post("/v1/sessions", token, Map.of(), body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    /** Settlement is asynchronous: waits until the ledger has counted the expected turns. */
    private JsonNode awaitUsageTurns(String sessionId, int turns) throws Exception {
        JsonNode usage = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            Reply reply = gateway.get("/v1/sessions/" + sessionId + "/usage", acmeSessions);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            usage = reply.json();
            if (usage.path("turns").asInt() >= turns) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(usage.path("turns").asInt()).isEqualTo(turns);
        return usage;
    }

    /** Near caches expire within seconds: retries a call until it answers with the expected status. */
    private Reply awaitStatus(Callable<Reply> call, int status) throws Exception {
        Reply reply = call.call();
        for (int attempt = 0; attempt < 50 && reply.status() != status; attempt++) {
            Thread.sleep(100);
            reply = call.call();
        }
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        return reply;
    }
}
