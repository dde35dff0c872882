package io.warmpath.cli.demo;

import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionTool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scripted on-call agent: one long system prompt and tool set shared by every session (as a deployed agent
 * would), a task per session, and canned follow-ups and tool results. Everything here is fixed text, so the
 * prompt prefix of a session is byte-stable from turn to turn: no dates, ids or random values in it.
 */
final class AgentScript {

    static final String SYSTEM_PROMPT = """
            You are Relay, the on-call assistant of a platform engineering team. You help engineers investigate \
            production incidents in a fleet of about forty Java and Go services running on Kubernetes in two \
            regions. You work in short, verifiable steps and you never guess when a tool can answer.

            How you work:
            1. Restate the symptom in one sentence, with the service, the metric and the time window.
            2. Form at most two hypotheses, ordered by likelihood, and name the evidence that would confirm or \
            rule out each one.
            3. Call one tool at a time. Prefer query_metrics for numbers, get_deploy_history for changes, \
            search_runbooks for known failure modes, and create_incident_note to record conclusions.
            4. After every tool result, say what it shows in one or two sentences, then decide the next step.
            5. Stop when a hypothesis is confirmed, and propose a mitigation with its risk and a rollback step.

            Rules:
            - Quote metric values with their units and time windows; never round an error rate to zero.
            - Treat deploys, config changes, feature flags and traffic shifts as changes; correlate them with \
            the symptom's start time to the minute.
            - Never include secrets, tokens, customer names or personal data in notes or answers.
            - Do not restart, scale or roll back anything yourself; recommend it and explain why.
            - If the evidence is inconclusive after five tool calls, say so and list what a human should check.
            - Keep answers under 150 words unless the engineer asks for detail.

            Services you will see often: checkout-api (Java, p99 target 400 ms), payments-gateway (Java, talks \
            to two card processors), billing-export (nightly batch, writes to object storage), search-indexer \
            (Go, consumes the catalog change stream), and edge-proxy (Envoy, terminates TLS). Error budgets are \
            tracked per service over 28 days; a burn rate above 6 over one hour pages the on-call engineer.
            """;

    /** One incident to investigate: the first user message and the service the canned tool results talk about. */
    record Scenario(String service, String task) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("checkout-api", "checkout-api p99 latency went from 380 ms to 910 ms at 14:05 UTC and "
                    + "stayed there. Error rate is flat. Can you find out why?"),
            new Scenario("billing-export", "The nightly billing-export job failed three nights in a row with "
                    + "'connection reset by peer' while uploading. Nothing changed on our side, supposedly."),
            new Scenario("search-indexer", "search-indexer consumer lag has been growing since yesterday "
                    + "evening, now 2.1 million events behind. Users see stale prices."));

    private static final List<String> FOLLOW_UPS = List.of(
            "Good. Check what changed around the time the symptom started.",
            "Is there a runbook entry for this failure mode?",
            "Compare that with the same window yesterday, please.",
            "Which of your hypotheses does this support now?",
            "Write an incident note with what we know so far.",
            "What mitigation would you recommend, and how do we roll it back?",
            "One more check before we act: is the other region affected too?");

    private static final List<String> TOOL_NAMES =
            List.of("query_metrics", "get_deploy_history", "search_runbooks", "create_incident_note");

    private AgentScript() {
    }

    static Scenario scenario(int sessionIndex) {
        return SCENARIOS.get(sessionIndex % SCENARIOS.size());
    }

    /** The user message that follows turn {@code turn} (1-based) of the conversation. */
    static String followUp(int turn) {
        return FOLLOW_UPS.get((turn - 1) % FOLLOW_UPS.size());
    }

    /** The tool the agent "called" after turn {@code turn}, with its JSON arguments and a canned JSON result. */
    static SimulatedToolCall toolCallAfter(int turn, Scenario scenario) {
        String name = TOOL_NAMES.get((turn - 1) % TOOL_NAMES.size());
        String service = scenario.service();
        return switch (name) {
            case "query_metrics" -> new SimulatedToolCall(name,
                    "{\"service\":\"" + service + "\",\"metric\":\"latency_p99_ms\",\"window\":\"3h\"}",
                    "{\"service\":\"" + service + "\",\"metric\":\"latency_p99_ms\",\"step\":\"15m\",\"points\":"
                            + "[382,379,391,905,917,898,911,902,921,909,896,915],\"turn\":" + turn + "}");
            case "get_deploy_history" -> new SimulatedToolCall(name,
                    "{\"service\":\"" + service + "\",\"since\":\"24h\"}",
                    "{\"deploys\":[{\"version\":\"2025.06.3\",\"at\":\"14:02Z\",\"author\":\"ci\","
                            + "\"change\":\"bump connection pool library\"},{\"version\":\"2025.06.2\","
                            + "\"at\":\"09:40Z\",\"author\":\"ci\",\"change\":\"copy fix\"}],\"turn\":" + turn + "}");
            case "search_runbooks" -> new SimulatedToolCall(name,
                    "{\"query\":\"" + service + " latency after deploy connection pool\"}",
                    "{\"results\":[{\"title\":\"Pool exhaustion after library upgrade\",\"steps\":[\"check "
                            + "pool wait time\",\"compare max pool size before and after\",\"roll back if wait "
                            + "time exceeds 100 ms\"]}],\"turn\":" + turn + "}");
            default -> new SimulatedToolCall(name,
                    "{\"service\":\"" + service + "\",\"summary\":\"investigation in progress\"}",
                    "{\"note_id\":\"note-" + (1000 + turn) + "\",\"status\":\"created\"}");
        };
    }

    /** The tool schemas sent with every request, in a fixed order. */
    static List<ChatCompletionTool> tools() {
        return List.of(
                tool("query_metrics", "Query a time series of one service metric over a recent window.",
                        properties("service", "string", "Service name, e.g. checkout-api",
                                "metric", "string", "Metric name, e.g. latency_p99_ms or error_rate",
                                "window", "string", "Look-back window such as 1h, 3h or 24h"),
                        List.of("service", "metric")),
                tool("get_deploy_history", "List deploys and config changes of a service, newest first.",
                        properties("service", "string", "Service name",
                                "since", "string", "Look-back window such as 24h"),
                        List.of("service")),
                tool("search_runbooks", "Full-text search over the team's runbooks and past incident reviews.",
                        properties("query", "string", "Search terms"),
                        List.of("query")),
                tool("create_incident_note", "Append a note to the open incident's timeline.",
                        properties("service", "string", "Affected service",
                                "summary", "string", "What is known, in a few sentences"),
                        List.of("service", "summary")));
    }

    /** A tool call the agent is pretended to have made, and the result the pretend tool returned. */
    record SimulatedToolCall(String name, String argumentsJson, String resultJson) {
    }

    private static ChatCompletionTool tool(String name, String description, Map<String, Object> properties,
                                           List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(name)
                        .description(description)
                        .parameters(FunctionParameters.builder()
                                .putAllAdditionalProperties(jsonFields(schema))
                                .build())
                        .build())
                .build());
    }

    /** JSON-schema properties from (name, type, description) triples, kept in the given order. */
    private static Map<String, Object> properties(String... triples) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < triples.length; i += 3) {
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("type", triples[i + 1]);
            property.put("description", triples[i + 2]);
            properties.put(triples[i], property);
        }
        return properties;
    }

    private static Map<String, JsonValue> jsonFields(Map<String, Object> object) {
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        object.forEach((key, value) -> fields.put(key, JsonValue.from(value)));
        return fields;
    }
}
