package io.warmpath.bench.lanes;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.warmpath.bench.online.StreamedAnswer;
import io.warmpath.bench.report.Percentiles;
import io.warmpath.contracts.WarmpathHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code bench lanes}: the cells' admission lanes against a control, in one run. The same mixed workload is sent
 * through the gateway twice, first as the control tenant (the cells let it bypass their lanes,
 * {@code warmpath.cell.lanes.off-for}; {@code ./warmpath up} names {@code bench-control}), then as the treated tenant:
 * agent sessions taking short turns at a fixed pace (a long system prompt, cached after the first turn, and a growing
 * history; an agent waits for each answer), and bulk documents arriving in batches at a fixed average rate, each a
 * long prompt no cache holds. Both phases offer the same work; the table shows the turns each served, the same when
 * the agents kept their pace; reported per phase: the time to first token of the sessions'
 * first turns (a cold prefill of the system prompt, alike in both) and of their later turns, the documents' time to
 * first token and their throughput, and failures; then the ratios. The defaults suit {@code WARMPATH_TIME_SCALE=0.5}:
 * the engines' prefill is busy, and the control stays stable (it keeps up with the documents).
 */
@Command(name = "lanes", header = "Admission lanes against a control tenant, on agent turns mixed with bulk documents.",
        description = "Runs the workload as the control tenant (lanes bypassed), then as the treated tenant, and "
                + "prints both phases side by side with the interactive TTFT p99 ratio and the documents' throughput "
                + "ratio. Size the documents' rate to keep the engines' prefill busy at the stack's time scale.")
public final class LanesCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--gateway", paramLabel = "URL", required = true, description = "The gateway's base URL.")
    private URI gateway;

    @Option(names = "--token", paramLabel = "JWT", required = true, description = "Bearer token of the treated tenant.")
    private String token;

    @Option(names = "--control-token", paramLabel = "JWT", required = true,
            description = "Bearer token of the control tenant (the cells let it bypass their lanes).")
    private String controlToken;

    @Option(names = "--model", paramLabel = "M", defaultValue = "kimi-k2.5",
            description = "Model to request (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "60",
            description = "Seconds of arrivals per phase (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "12",
            description = "Agent sessions per phase (default: ${DEFAULT-VALUE}).")
    private int agents;

    @Option(names = "--turn-interval-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Each agent's pace: one turn this often, or when its previous one is answered if that is "
                    + "later (default: ${DEFAULT-VALUE}).")
    private int turnIntervalMillis;

    @Option(names = "--system-words", paramLabel = "N", defaultValue = "1500",
            description = "Words of each agent's system prompt (default: ${DEFAULT-VALUE}).")
    private int systemWords;

    @Option(names = "--documents-per-second", paramLabel = "R", defaultValue = "0.5",
            description = "Documents arriving per second (default: ${DEFAULT-VALUE}).")
    private double documentsPerSecond;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "6",
            description = "Documents arrive this many at once, as a batch job submits them, at the rate above on "
                    + "average (default: ${DEFAULT-VALUE}).")
    private int burst;

    @Option(names = "--document-words", paramLabel = "N", defaultValue = "8000",
            description = "Words of each document (default: ${DEFAULT-VALUE}).")
    private int documentWords;

    public LanesCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Phase control = run("control", controlToken);
        Phase lanes = run("lanes", token);
        out.println();
        out.printf(Locale.ROOT, "Mixed workload: %d agents (a turn every %d ms, %d-word system prompt), "
                        + "%.2f documents/s of %d words in batches of %d, %d s per phase%n%n", agents,
                turnIntervalMillis, systemWords, documentsPerSecond, documentWords, burst, seconds);
        out.println("| phase | first turns: TTFT p50 ms | later turns | TTFT p50 ms | p95 ms | p99 ms | documents "
                + "| document TTFT p50 ms | p99 ms | documents/s | failures |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Phase phase : List.of(control, lanes)) {
            Percentiles first = Percentiles.of(phase.firstTurnTtfts());
            Percentiles turns = Percentiles.of(phase.turnTtfts());
            Percentiles documents = Percentiles.of(phase.documentTtfts());
            out.printf(Locale.ROOT, "| %s | %.0f | %d | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %.2f | %d |%n",
                    phase.name(), first.at(50), turns.count(), turns.at(50), turns.at(95), turns.at(99),
                    documents.count(), documents.at(50), documents.at(99), phase.documentsPerSecond(),
                    phase.failures());
        }
        double p99Ratio = Percentiles.of(control.turnTtfts()).at(99) / Percentiles.of(lanes.turnTtfts()).at(99);
        double throughputRatio = lanes.documentsPerSecond() / control.documentsPerSecond();
        out.printf(Locale.ROOT, "%nLater turns' TTFT p99, control / lanes: %.2fx. Documents/s, lanes / control: %.2f.%n",
                p99Ratio, throughputRatio);
        return control.failures() + lanes.failures() == 0 ? 0 : 1;
    }

    /** One phase: the agents and the documents of one tenant, arriving for {@code seconds}, then drained. */
    private Phase run(String name, String bearer) throws InterruptedException {
        ConcurrentLinkedQueue<Double> firstTurnTtfts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> turnTtfts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> documentTtfts = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        long arrivalsEnd = start + TimeUnit.SECONDS.toNanos(seconds);
        long[] lastDocumentDone = {start};
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int agent = 0; agent < agents; agent++) {
                int id = agent;
                threads.submit(() -> agent(name, bearer, id, start, arrivalsEnd, firstTurnTtfts, turnTtfts, failures));
            }
            long intervalNanos = (long) (1e9 * burst / documentsPerSecond);
            long document = 0;
            // The first batch after the agents' first turns, so that it meets warm sessions.
            for (long next = start + intervalNanos / 2; next < arrivalsEnd; next += intervalNanos) {
                sleepUntil(next);
                for (int inBatch = 0; inBatch < burst; inBatch++) {
                    long id = document++;
                    threads.submit(() -> {
                        Answer answer = send(bearer, null, document(name, id));
                        if (answer.ok()) {
                            documentTtfts.add(answer.ttftMillis());
                            synchronized (lastDocumentDone) {
                                lastDocumentDone[0] = Math.max(lastDocumentDone[0], System.nanoTime());
                            }
                        }
                        else {
                            failures.incrementAndGet();
                        }
                    });
                }
            }
        }
        double documentSeconds = (lastDocumentDone[0] - start) / 1e9;
        return new Phase(name, toArray(firstTurnTtfts), toArray(turnTtfts), toArray(documentTtfts),
                documentSeconds > 0 ? documentTtfts.size() / documentSeconds : 0, failures.get());
    }

    /**
     * One agent session: a turn every interval, or as soon as its previous one is answered if that is later (an agent
     * waits for its answer before its next turn); its history is its earlier turns, so each turn extends the last.
     */
    private void agent(String phase, String bearer, int id, long start, long arrivalsEnd,
            ConcurrentLinkedQueue<Double> firstTtfts, ConcurrentLinkedQueue<Double> ttfts, AtomicInteger failures) {
        String affinity = "lanes-" + phase + "-agent-" + id;
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 24).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", words("You are agent " + id + " of " + phase,
                systemWords));
        // Agents start spread over the first interval, so their turns do not arrive in step.
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(turnIntervalMillis);
        long next = start + intervalNanos * id / Math.max(1, agents);
        for (int turn = 0; next < arrivalsEnd; turn++) {
            sleepUntil(next);
            messages.addObject().put("role", "user").put("content", "Step " + turn + ": continue with the task.");
            Answer answer = send(bearer, affinity, body);
            if (answer.ok()) {
                // A session's first turn prefills its whole system prompt, in both phases alike: counted apart.
                (turn == 0 ? firstTtfts : ttfts).add(answer.ttftMillis());
            }
            else {
                failures.incrementAndGet();
            }
            messages.addObject().put("role", "assistant").put("content", "Done with step " + turn + ".");
            next = Math.max(next + intervalNanos, System.nanoTime());
        }
    }

    private ObjectNode document(String phase, long id) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 8).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        ArrayNode messages = body.putArray("messages");
        // Its own system line: documents spread over the cells rather than sharing one prompt skeleton.
        messages.addObject().put("role", "system").put("content", "Summarise document " + id + " of " + phase + ".");
        messages.addObject().put("role", "user").put("content", words("Document " + id + " of " + phase,
                documentWords));
        return body;
    }

    private Answer send(String bearer, String affinity, ObjectNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                .timeout(Duration.ofMinutes(5))
                .header("authorization", "Bearer " + bearer)
                .header("content-type", "application/json");
        if (affinity != null) {
            builder.header(WarmpathHeaders.SESSION_AFFINITY, affinity);
        }
        long start = System.nanoTime();
        try {
            HttpResponse<Stream<String>> response = http.send(builder.POST(HttpRequest.BodyPublishers.ofString(
                    JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofLines());
            StreamedAnswer answer = StreamedAnswer.read(response.body(), start);
            return new Answer(response.statusCode() == 200 && answer.usage() != null, answer.ttftMillis());
        }
        catch (IOException | RuntimeException failed) {
            return new Answer(false, 0);
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new Answer(false, 0);
        }
    }

    /** About {@code count} words about {@code topic}; no two topics share a prefix past their first words. */
    private static String words(String topic, int count) {
        StringBuilder text = new StringBuilder(topic).append('.');
        for (int i = 0; i < count / 6; i++) {
            text.append(" Point ").append(i).append(" of ").append(topic).append(" holds.");
        }
        return text.toString();
    }

    private static void sleepUntil(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static double[] toArray(ConcurrentLinkedQueue<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private record Answer(boolean ok, double ttftMillis) {
    }

    private record Phase(String name, double[] firstTurnTtfts, double[] turnTtfts, double[] documentTtfts,
            double documentsPerSecond, int failures) {
    }
}
