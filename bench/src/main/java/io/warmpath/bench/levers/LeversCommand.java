package io.warmpath.bench.levers;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.warmpath.bench.online.StreamedAnswer;
import io.warmpath.bench.report.Percentiles;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.enginesim.engine.ModelProfile;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code bench levers}: the context levers against a control, in one run. The same structured agent sessions (a
 * system prompt, eight tools, a growing history) are sent through the gateway as two tenants, turn by turn and in
 * alternating order: the treated tenant with every lever on, and the control tenant, for which the cells are
 * configured to leave tools as sent ({@code warmpath.cell.prefix-watch.stable-tools-off-for}) and session-service
 * to trim no tools ({@code warmpath.session.tool-trimming.off-for}; {@code ./warmpath up} names
 * {@code bench-control} in both). Each scenario is what clients do to their prompts: reorder their tools each turn,
 * put the time in the system prompt, offer tools their workflow never calls, or nothing at all. Each scenario's
 * sessions share a workflow ({@code x-workflow}). Reported per tenant: hit ratio, prompt and cached tokens, cost per
 * 1,000 turns at the model's prices, time to first token, the turns that carried {@link WarmpathHeaders#PREFIX_BREAK}
 * and the tools trimmed per turn ({@link WarmpathHeaders#TOOLS_TRIMMED}). Then the outgrowing scenario: sessions
 * whose history outgrows their {@code max_context_tokens}, as three arms of the treated tenant: checkpoint, refuse,
 * and a client-side sliding window. Both tokens need the scopes {@code tools:tool_0} to {@code tools:tool_7} (the
 * gateway removes tools a token may not use); the treated one also {@code sessions:write}.
 */
@Command(name = "levers", header = "The context levers against a control tenant, on structured agent sessions.",
        description = "Scenarios: reordered-tools (the client shuffles its tools each turn), changing-system (the time "
                + "in the system prompt), unused-tools (eight tools offered, two ever called; its workflow's history is "
                + "sent first, a trimming window of turns per tenant), steady (nothing varies: the levers must cost "
                + "nothing); then outgrowing (sessions past their max_context_tokens: checkpoint, refuse and a "
                + "client-side sliding window). Prints one table per scenario.")
public final class LeversCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int TOOLS = 8;

    /** What a client varies from turn to turn. */
    enum Scenario {
        REORDERED_TOOLS, CHANGING_SYSTEM, UNUSED_TOOLS, STEADY;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--gateway", paramLabel = "URL", required = true, description = "The gateway's base URL.")
    private URI gateway;

    @Option(names = "--token", paramLabel = "JWT", required = true,
            description = "Bearer token of the treated tenant (every lever on).")
    private String token;

    @Option(names = "--control-token", paramLabel = "JWT", required = true,
            description = "Bearer token of the control tenant (the cells leave its tools as sent).")
    private String controlToken;

    @Option(names = "--model", paramLabel = "M", defaultValue = "kimi-k2.5",
            description = "Model to request, and the prices of the cost column (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "8",
            description = "Sessions per scenario and tenant (default: ${DEFAULT-VALUE}).")
    private int sessions;

    @Option(names = "--turns", paramLabel = "N", defaultValue = "8",
            description = "Turns per session (default: ${DEFAULT-VALUE}).")
    private int turns;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--context-sessions", paramLabel = "N", defaultValue = "6",
            description = "Sessions per arm of the outgrowing scenario (default: ${DEFAULT-VALUE}).")
    private int contextSessions;

    @Option(names = "--context-turns", paramLabel = "N", defaultValue = "60",
            description = "Turns per session of the outgrowing scenario (default: ${DEFAULT-VALUE}).")
    private int contextTurns;

    @Option(names = "--max-context-tokens", paramLabel = "N", defaultValue = "8000",
            description = "The outgrowing sessions' max_context_tokens (default: ${DEFAULT-VALUE}).")
    private int maxContextTokens;

    @Option(names = "--light-model", paramLabel = "M", defaultValue = "llama-3.1-8b-instruct",
            description = "The routing alias's light model (default: ${DEFAULT-VALUE}).")
    private String lightModel;

    @Option(names = "--routing-alias", paramLabel = "A", defaultValue = "auto",
            description = "The gateway's routing alias between --model and --light-model (default: ${DEFAULT-VALUE}).")
    private String routingAlias;

    @Option(names = "--trim-window", paramLabel = "N", defaultValue = "200",
            description = "session-service's warmpath.session.tool-trimming.window: the turns of history the "
                    + "unused-tools workflow gets before its measured sessions (default: ${DEFAULT-VALUE}).")
    private int trimWindow;

    public LeversCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        ModelProfile prices = ModelProfile.named(model).orElse(ModelProfile.KIMI_K2_5);
        String run = Long.toHexString(System.nanoTime());
        out.printf(Locale.ROOT, "%d sessions x %d turns per scenario and tenant, %s; treated tenant against control "
                + "(tools as sent), turns interleaved%n", sessions, turns, model);
        for (Scenario scenario : Scenario.values()) {
            String workflow = "levers-" + run + "-" + scenario.label();
            if (scenario == Scenario.UNUSED_TOOLS) {
                workflowHistory(workflow);
            }
            Tally treated = new Tally();
            Tally control = new Tally();
            for (int session = 0; session < sessions; session++) {
                String affinity = workflow + "-" + session;
                List<ObjectNode> history = new ArrayList<>();
                for (int turn = 0; turn < turns; turn++) {
                    ObjectNode body = body(scenario, session, turn, history);
                    boolean treatedFirst = (session + turn) % 2 == 0;
                    Sent first = send(treatedFirst ? token : controlToken, affinity, workflow, body);
                    Sent second = send(treatedFirst ? controlToken : token, affinity, workflow, body);
                    (treatedFirst ? treated : control).add(first, prices);
                    (treatedFirst ? control : treated).add(second, prices);
                    history.add(message("assistant", "Step " + turn + " is done; the next step reads the log."));
                    history.add(message("user", words("tool output " + session + "." + turn, 60)));
                }
            }
            out.printf(Locale.ROOT, "%n### %s%n%n", scenario.label());
            out.println("| tenant | turns | failed | hit ratio | prompt tokens | cached tokens | cost / 1,000 turns USD "
                    + "| TTFT p50 ms | TTFT p95 ms | prefix-break headers | tools trimmed / turn |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            out.println(treated.row("treated"));
            out.println(control.row("control"));
        }
        outgrowing(run, prices);
        lightTurns(run);
        return 0;
    }

    /** How a client picks the model of each turn. */
    private enum Routing {
        /** Every turn names the default model. */
        ALWAYS_DEFAULT,
        /** Light turns name the light model, the others the default one: routing by class, blind to the cache. */
        CLASS_ONLY,
        /** Every turn names the routing alias; heavy turns say so ({@code x-workload-class: heavy}). */
        COST_AWARE;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The light-turns scenario: agent sessions where every fourth turn is heavy (128 completion tokens) and the others
     * light (8), as three arms of the treated tenant, turn by turn in rotating order. Each turn is priced at the model
     * that served it.
     */
    private void lightTurns(String run) {
        String workflow = "levers-" + run + "-light-turns";
        Map<Routing, Tally> tallies = new EnumMap<>(Routing.class);
        Map<Routing, int[]> lightServed = new EnumMap<>(Routing.class);
        for (Routing routing : Routing.values()) {
            tallies.put(routing, new Tally());
            lightServed.put(routing, new int[1]);
        }
        for (int session = 0; session < sessions; session++) {
            List<ObjectNode> history = new ArrayList<>();
            for (int turn = 0; turn < turns; turn++) {
                boolean heavy = turn % 4 == 3;
                history.add(message("user", words("Turn " + turn + " of routed session " + session, 60)));
                for (int i = 0; i < Routing.values().length; i++) {
                    Routing routing = Routing.values()[(session + turn + i) % Routing.values().length];
                    ObjectNode body = JSON.createObjectNode().put("max_tokens", heavy ? 128 : 8)
                            .put("ignore_eos", true).put("stream", true);
                    String requested = switch (routing) {
                        case ALWAYS_DEFAULT -> model;
                        case CLASS_ONLY -> heavy ? model : lightModel;
                        case COST_AWARE -> routingAlias;
                    };
                    body.put("model", requested);
                    body.putObject("stream_options").put("include_usage", true);
                    ArrayNode messages = body.putArray("messages");
                    messages.add(message("system", words("You are routed agent " + session + " of the levers bench "
                            + "(light-turns); triage the build and answer briefly", 400)));
                    history.forEach(messages::add);
                    Sent sent = send(token, workflow + "-" + routing.label() + "-" + session, workflow, body,
                            heavy ? Map.of(WarmpathHeaders.WORKLOAD_CLASS, "heavy") : Map.of());
                    String served = sent.routedModel() != null ? sent.routedModel() : requested;
                    tallies.get(routing).add(sent, ModelProfile.named(served).orElse(ModelProfile.KIMI_K2_5));
                    lightServed.get(routing)[0] += sent.ok() && served.equals(lightModel) ? 1 : 0;
                }
                history.add(message("assistant", "Step " + turn + " is triaged; the next step reads the log."));
            }
        }
        out.printf(Locale.ROOT, "%n### light-turns%n%n%d sessions x %d turns per arm, every fourth turn heavy; the "
                + "routing alias %s chooses between %s and %s%n%n", sessions, turns, routingAlias, model, lightModel);
        out.println("| routing | turns | failed | hit ratio | prompt tokens | cached tokens | cost / 1,000 turns USD "
                + "| TTFT p50 ms | TTFT p95 ms | turns on the light model |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Routing routing : Routing.values()) {
            out.println(tallies.get(routing).routingRow(routing.label(), lightServed.get(routing)[0]));
        }
    }

    /** How a client whose session outgrows its context goes on. */
    private enum Arm {
        /** {@code context_policy: checkpoint}: Warmpath summarizes the oldest turns; the client sends everything. */
        CHECKPOINT,
        /** {@code context_policy: refuse}: the client sends everything until the session refuses it. */
        REFUSE,
        /** The client drops its oldest turns to stay below the limit (a refusing session that never refuses). */
        SLIDING_WINDOW;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The outgrowing scenario: sessions with a {@code max_context_tokens} their history passes after some turns, as
     * three arms, turn by turn in rotating order. The checkpoint arm's cost includes what its summaries cost (the
     * sessions' usage reports the summarization calls' tokens, priced here as uncached).
     */
    private void outgrowing(String run, ModelProfile prices) {
        String workflow = "levers-" + run + "-outgrowing";
        Map<Arm, Tally> tallies = new EnumMap<>(Arm.class);
        Map<Arm, List<String>> sessionIds = new EnumMap<>(Arm.class);
        for (Arm arm : Arm.values()) {
            tallies.put(arm, new Tally());
            sessionIds.put(arm, new ArrayList<>());
        }
        for (int session = 0; session < contextSessions; session++) {
            Map<Arm, String> tokens = new EnumMap<>(Arm.class);
            Map<Arm, Boolean> refused = new EnumMap<>(Arm.class);
            for (Arm arm : Arm.values()) {
                JsonNode created = createSession(workflow, arm == Arm.CHECKPOINT ? "checkpoint" : "refuse");
                tokens.put(arm, created.path("affinity_token").asString());
                sessionIds.get(arm).add(created.path("id").asString());
                refused.put(arm, false);
            }
            List<ObjectNode> history = new ArrayList<>();
            for (int turn = 0; turn < contextTurns; turn++) {
                history.add(message("user", words("Turn " + turn + " of outgrowing session " + session
                        + ": the migration log", 80)));
                for (int i = 0; i < Arm.values().length; i++) {
                    Arm arm = Arm.values()[(session + turn + i) % Arm.values().length];
                    if (refused.get(arm)) {
                        tallies.get(arm).refused();
                        continue;
                    }
                    Sent sent = send(token, tokens.get(arm), workflow, outgrowingBody(session, arm, history));
                    if (sent.status() == 400) {
                        // The session's context is full: every later turn would be refused as well.
                        refused.put(arm, true);
                        tallies.get(arm).refused();
                    } else {
                        tallies.get(arm).add(sent, prices);
                    }
                }
                history.add(message("assistant", "Step " + turn + " is done; the next step reads the log."));
            }
        }
        SummaryCosts summaries = summaryCosts(sessionIds.get(Arm.CHECKPOINT), prices);
        tallies.get(Arm.CHECKPOINT).addOverhead(summaries.usd());
        out.printf(Locale.ROOT, "%n### outgrowing%n%n%d sessions x %d turns per arm, max_context_tokens %d; %d "
                + "checkpoints made (their summaries' %,d prompt and %,d completion tokens are in the checkpoint arm's "
                + "cost)%n%n", contextSessions, contextTurns, maxContextTokens, summaries.checkpoints(),
                summaries.promptTokens(), summaries.completionTokens());
        out.println("| arm | turns | served | refused | hit ratio | prompt tokens | cached tokens "
                + "| cost / 1,000 served turns USD | TTFT p50 ms | TTFT p95 ms | prefix-break headers "
                + "| turns sent with a checkpoint |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Arm arm : Arm.values()) {
            out.println(tallies.get(arm).outgrowingRow(arm.label()));
        }
    }

    /** A turn of an outgrowing session: a system prompt and the history the arm sends. */
    private ObjectNode outgrowingBody(int session, Arm arm, List<ObjectNode> history) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 8).put("ignore_eos", true)
                .put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        ArrayNode messages = body.putArray("messages");
        messages.add(message("system", words("You are migration agent " + session + " of the levers bench "
                + "(outgrowing); read logs and fix what failed", 300)));
        List<ObjectNode> sent = history;
        if (arm == Arm.SLIDING_WINDOW) {
            // Drop the oldest turns until the prompt is well below the limit, as clients without checkpoints do.
            int from = 0;
            while (estimate(messages, history.subList(from, history.size())) > maxContextTokens * 0.9
                    && from < history.size() - 1) {
                from += 2;
            }
            sent = history.subList(from, history.size());
        }
        sent.forEach(messages::add);
        return body;
    }

    /** At most about how many tokens these messages take: a third of their bytes (a client cannot count exactly). */
    private static long estimate(ArrayNode instructions, List<ObjectNode> history) {
        long bytes = JSON.writeValueAsString(instructions).length();
        for (ObjectNode message : history) {
            bytes += JSON.writeValueAsString(message).length();
        }
        return bytes / 3;
    }

    private JsonNode createSession(String workflow, String contextPolicy) {
        ObjectNode body = JSON.createObjectNode().put("workflow", workflow).put("context_policy", contextPolicy);
        body.putObject("budgets").put("max_context_tokens", maxContextTokens);
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/sessions"))
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("POST /v1/sessions answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** What the sessions' summaries cost, from their usage (priced as uncached prompt and completion tokens). */
    private SummaryCosts summaryCosts(List<String> sessionIds, ModelProfile prices) {
        long checkpoints = 0;
        long prompt = 0;
        long completion = 0;
        for (String id : sessionIds) {
            HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/sessions/" + id + "/usage"))
                    .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + token).GET().build();
            try {
                JsonNode usage = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
                        .path("checkpoints");
                checkpoints += usage.path("count").asLong();
                prompt += usage.path("summary_prompt_tokens").asLong();
                completion += usage.path("summary_completion_tokens").asLong();
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(interrupted);
            }
        }
        return new SummaryCosts(checkpoints, prompt, completion, prices.costUsd(prompt, 0, completion));
    }

    private record SummaryCosts(long checkpoints, long promptTokens, long completionTokens, double usd) {
    }

    /**
     * The unused-tools workflow's history, for both tenants: a trimming window of short sessions that offer all the
     * tools and call only the two the workflow uses, so that session-service has watched it for a whole window.
     */
    private void workflowHistory(String workflow) {
        int failed = 0;
        for (int turn = 0; turn < trimWindow; turn++) {
            ObjectNode body = body(Scenario.UNUSED_TOOLS, turn, turn, List.of());
            for (String bearer : List.of(token, controlToken)) {
                failed += send(bearer, workflow + "-history-" + turn, workflow, body).ok() ? 0 : 1;
            }
        }
        out.printf(Locale.ROOT, "unused-tools: %d turns of workflow history per tenant sent first (%d failed)%n",
                trimWindow, failed);
    }

    /** One turn: the session's system prompt and tools as the scenario varies them, and its history so far. */
    private ObjectNode body(Scenario scenario, int session, int turn, List<ObjectNode> history) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 8).put("ignore_eos", true)
                .put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        ArrayNode messages = body.putArray("messages");
        // Each scenario's own prompts: no session starts warm from another scenario's turns.
        String system = words("You are build agent " + session + " of the levers bench (" + scenario.label()
                + "); read logs, rerun jobs and report what failed and why", 400);
        messages.add(message("system", scenario == Scenario.CHANGING_SYSTEM
                ? system + " The time is 10:" + String.format(Locale.ROOT, "%02d", turn) + "." : system));
        messages.add(message("user", "The nightly build of service " + session + " is red. Find out why."));
        history.forEach(messages::add);
        List<ObjectNode> tools = new ArrayList<>();
        for (int i = 0; i < TOOLS; i++) {
            ObjectNode tool = JSON.createObjectNode().put("type", "function");
            ObjectNode function = tool.putObject("function").put("name", "tool_" + i)
                    .put("description", words("Tool " + i + " of the build system", 120));
            function.putObject("parameters").put("type", "object").putObject("properties")
                    .putObject("target").put("type", "string");
            tools.add(tool);
        }
        if (scenario == Scenario.REORDERED_TOOLS && turn > 0) {
            Collections.shuffle(tools, new java.util.Random(new SplittableRandom(seed * 31 + session * 1009L + turn)
                    .nextLong()));
        }
        tools.forEach(body.putArray("tools")::add);
        if (scenario == Scenario.UNUSED_TOOLS) {
            // The workflow calls two of its eight tools, one on each turn.
            body.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", "tool_" + turn % 2);
        }
        return body;
    }

    private Sent send(String bearer, String affinity, String workflow, ObjectNode body) {
        return send(bearer, affinity, workflow, body, Map.of());
    }

    private Sent send(String bearer, String affinity, String workflow, ObjectNode body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                .timeout(Duration.ofMinutes(2))
                .header("authorization", "Bearer " + bearer)
                .header("content-type", "application/json")
                .header(WarmpathHeaders.SESSION_AFFINITY, affinity)
                .header(WarmpathHeaders.WORKFLOW, workflow);
        headers.forEach(builder::header);
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            boolean broke = response.headers().firstValue(WarmpathHeaders.PREFIX_BREAK).isPresent();
            int trimmed = response.headers().firstValue(WarmpathHeaders.TOOLS_TRIMMED).map(Integer::parseInt)
                    .orElse(0);
            StreamedAnswer answer = StreamedAnswer.read(response.body(), start);
            JsonNode usage = answer.usage();
            if (response.statusCode() != 200 || usage == null) {
                return Sent.failed(response.statusCode());
            }
            return new Sent(200, usage.path("prompt_tokens").asLong(),
                    usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
                    usage.path("completion_tokens").asLong(), answer.ttftMillis(), broke, trimmed,
                    response.headers().firstValue(WarmpathHeaders.CHECKPOINT).filter(v -> v.matches("\\d+"))
                            .isPresent(),
                    response.headers().firstValue(WarmpathHeaders.MODEL_ROUTE).map(v -> v.split(";")[0].strip())
                            .orElse(null));
        } catch (IOException | RuntimeException failed) {
            return Sent.failed(0);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Sent.failed(0);
        }
    }

    private static ObjectNode message(String role, String content) {
        return JSON.createObjectNode().put("role", role).put("content", content);
    }

    /** About {@code count} words of text about {@code topic}: the same every time. */
    private static String words(String topic, int count) {
        StringBuilder text = new StringBuilder(topic).append('.');
        for (int i = 0; text.length() < count * 6; i++) {
            text.append(" Detail ").append(i).append(" of ").append(topic).append(" matters.");
        }
        return text.toString();
    }

    /** One turn's answer: its status (0 when none came) and what its usage and headers said. */
    private record Sent(int status, long promptTokens, long cachedTokens, long completionTokens, double ttftMillis,
            boolean prefixBreak, int toolsTrimmed, boolean checkpointed, @Nullable String routedModel) {

        static Sent failed(int status) {
            return new Sent(status, 0, 0, 0, 0, false, 0, false, null);
        }

        boolean ok() {
            return status == 200;
        }
    }

    /** One tenant's turns of one scenario. */
    private static final class Tally {

        private final List<Double> ttft = new ArrayList<>();
        private int turns;
        private int failed;
        private long prompt;
        private long cached;
        private double cost;
        private int breaks;
        private long toolsTrimmed;
        private int refusedTurns;
        private int checkpointed;

        void add(Sent sent, ModelProfile prices) {
            turns++;
            if (!sent.ok()) {
                failed++;
                return;
            }
            prompt += sent.promptTokens();
            cached += sent.cachedTokens();
            cost += prices.costUsd(sent.promptTokens(), sent.cachedTokens(), sent.completionTokens());
            ttft.add(sent.ttftMillis());
            breaks += sent.prefixBreak() ? 1 : 0;
            toolsTrimmed += sent.toolsTrimmed();
            checkpointed += sent.checkpointed() ? 1 : 0;
        }

        /** A turn its session refused (its context was full), or would have. */
        void refused() {
            turns++;
            refusedTurns++;
        }

        /** Cost that comes with these turns but is no turn's (summaries). */
        void addOverhead(double usd) {
            cost += usd;
        }

        String routingRow(String routing, int onLight) {
            Percentiles latency = Percentiles.of(ttft.stream().mapToDouble(Double::doubleValue).toArray());
            int served = turns - failed;
            return String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %,d | %,d | %.2f | %.1f | %.1f | %d |", routing,
                    turns, failed, prompt == 0 ? 0 : (double) cached / prompt, prompt, cached,
                    served == 0 ? 0 : cost / served * 1000, latency.at(50), latency.at(95), onLight);
        }

        String outgrowingRow(String arm) {
            Percentiles latency = Percentiles.of(ttft.stream().mapToDouble(Double::doubleValue).toArray());
            int served = turns - failed - refusedTurns;
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %,d | %,d | %.2f | %.1f | %.1f | %d | %d |",
                    arm, turns, served, refusedTurns, prompt == 0 ? 0 : (double) cached / prompt, prompt, cached,
                    served == 0 ? 0 : cost / served * 1000, latency.at(50), latency.at(95), breaks, checkpointed);
        }

        String row(String tenant) {
            Percentiles latency = Percentiles.of(ttft.stream().mapToDouble(Double::doubleValue).toArray());
            int served = turns - failed;
            return String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %,d | %,d | %.2f | %.1f | %.1f | %d | %.1f |",
                    tenant, turns, failed, prompt == 0 ? 0 : (double) cached / prompt, prompt, cached,
                    served == 0 ? 0 : cost / served * 1000, latency.at(50), latency.at(95), breaks,
                    served == 0 ? 0 : (double) toolsTrimmed / served);
        }
    }
}
