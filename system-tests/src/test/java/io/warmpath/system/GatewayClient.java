package io.warmpath.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.warmpath.contracts.WarmpathHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A plain HTTP client of the gateway, so that tests see exactly the bytes, headers and statuses clients see. */
final class GatewayClient {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;

    GatewayClient(URI base) {
        this.base = base;
    }

    Reply post(String path, String token, Map<String, String> headers, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request, token);
    }

    Reply get(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), token);
    }

    Reply delete(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE(), token);
    }

    private Reply send(HttpRequest.Builder request, String token) throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue(WarmpathHeaders.CELL).orElse(null),
                response.headers().map(), response.body());
    }

    Reply chat(String token, String session, ObjectNode body) throws IOException, InterruptedException {
        Map<String, String> headers = session == null ? Map.of() : Map.of("x-session-affinity", session);
        return post("/v1/chat/completions", token, headers, JSON.writeValueAsString(body));
    }

    /** A reply, with the body parsed as JSON, or as the list of SSE {@code data:} payloads for streams. */
    record Reply(int status, String cell, Map<String, List<String>> headers, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        List<String> events() {
            List<String> events = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    events.add(line.substring(5).trim());
                }
            }
            return events;
        }

        long cachedTokens() {
            return json().path("usage").path("prompt_tokens_details").path("cached_tokens").asLong();
        }

        long promptTokens() {
            return json().path("usage").path("prompt_tokens").asLong();
        }
    }

    /** A growing agent conversation: one long system prompt, tool schemas, and a history that gets longer each turn. */
    static final class Conversation {

        private final ObjectNode body = JSON.createObjectNode();
        private final ArrayNode messages;

        Conversation(String model, String systemPrompt) {
            body.put("model", model);
            body.put("max_tokens", 12);
            messages = body.putArray("messages");
            messages.addObject().put("role", "system").put("content", systemPrompt);
            ObjectNode tool = body.putArray("tools").addObject();
            tool.put("type", "function");
            ObjectNode function = tool.putObject("function");
            function.put("name", "search_repository");
            function.put("description", "Search the repository for files that mention a symbol.");
            ObjectNode parameters = function.putObject("parameters");
            parameters.put("type", "object");
            parameters.putObject("properties").putObject("query").put("type", "string");
            parameters.putArray("required").add("query");
        }

        /** Offers these tools instead, each with a long description (a few hundred tokens). */
        Conversation withTools(List<String> names) {
            ArrayNode tools = body.putArray("tools");
            for (String name : names) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", name);
                function.put("description", ("Use " + name + " on the build system. ").repeat(30));
                function.putObject("parameters").put("type", "object").putObject("properties")
                        .putObject("target").put("type", "string");
            }
            return this;
        }

        ObjectNode turn(String userMessage) {
            messages.addObject().put("role", "user").put("content", userMessage);
            return body.deepCopy();
        }

        void answered(Reply reply) {
            String content = reply.json().path("choices").path(0).path("message").path("content").asString("");
            messages.addObject().put("role", "assistant").put("content", content);
        }

        ObjectNode streaming(String userMessage) {
            ObjectNode streamed = turn(userMessage);
            streamed.put("stream", true);
            streamed.putObject("stream_options").put("include_usage", true);
            return streamed;
        }
    }

    static String systemPrompt(String agent) {
        StringBuilder prompt = new StringBuilder("You are " + agent + ", a careful software engineering agent. ");
        for (int rule = 1; rule <= 40; rule++) {
            prompt.append("Rule ").append(rule).append(": read the relevant files before you change them, ")
                    .append("explain each change briefly, and run the tests that cover it. ");
        }
        return prompt.toString();
    }
}
