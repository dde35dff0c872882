package io.warmpath.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OverheadCommandTest {

    private final Map<String, StubServer> servers = new HashMap<>();

    @AfterEach
    void stopServers() {
        servers.values().forEach(server -> server.http.stop(0));
    }

    @Test
    void everyPathIsMeasuredAndOnlyTheNoSessionRowLeavesTheSessionHeaderOut() throws Exception {
        StubServer engine = serve("engine", 200);
        StubServer gateway = serve("gateway", 200);
        StubServer nginx = serve("nginx", 200);

        String output = run("--engine", engine.url(), "--gateway", gateway.url(), "--token", "jwt",
                "--nginx", nginx.url(), "--rate", "50", "--seconds", "0.4", "--warmup", "0.2", "--rates", "none");

        assertThat(output).contains("| engine, direct |", "| gateway -> cell -> engine |",
                "| gateway -> cell -> engine, no session header |", "| nginx -> cell -> engine |",
                "Added p50 over the engine: gateway");
        // Warm-up and run, 10 + 20 requests, per gateway row: one row with the header, one without.
        assertThat(gateway.requests).hasSize(60)
                .allSatisfy(seen -> assertThat(seen.authorization()).isEqualTo("Bearer jwt"));
        assertThat(gateway.requests).filteredOn(seen -> seen.session() == null).hasSize(30);
        assertThat(nginx.requests).hasSize(30).allSatisfy(seen -> {
            assertThat(seen.session()).startsWith("bench-");
            assertThat(seen.authorization()).isNull();
        });
    }

    @Test
    void ladderStopsAtTheFirstRateAPathDoesNotSustain() throws Exception {
        StubServer engine = serve("engine", 200);
        StubServer gateway = serve("gateway", 200);
        StubServer failingNginx = serve("nginx", 502);

        String output = run("--engine", engine.url(), "--gateway", gateway.url(), "--token", "jwt",
                "--nginx", failingNginx.url(), "--rate", "50", "--seconds", "0.4", "--warmup", "0.2",
                "--rates", "20,40", "--ladder-seconds", "0.5");

        assertThat(output).contains("| engine, direct | 40 |", "| gateway -> cell -> engine | 40 |",
                "| nginx -> cell -> engine | below the lowest step |",
                "| nginx -> cell -> engine | - | - | - | - | 20 (all) |", "n/a (every request of a path failed");
        // 30 in the comparison, then only the ladder's first step (20/s for 0.5 s): the 40/s step never ran.
        assertThat(failingNginx.requests).hasSize(40);
    }

    @Test
    void cellAndNginxRowsAppearOnlyWhenTheirUrlsAreGiven() {
        OverheadCommand command = new OverheadCommand(System.out);
        new CommandLine(command).parseArgs("--engine", "http://127.0.0.1:1", "--gateway", "http://127.0.0.1:2",
                "--token", "t");
        List<OverheadBench.Target> minimal = command.targets();

        assertThat(minimal).extracting(OverheadBench.Target::name).containsExactly(OverheadCommand.ENGINE,
                OverheadCommand.GATEWAY, OverheadCommand.GATEWAY_NO_SESSION);
        assertThat(minimal).extracting(OverheadBench.Target::sessionHeader).containsExactly(true, true, false);
    }

    @Test
    void baselineGatewayIsMeasuredInAlternatingRoundsWithItsOwnToken() throws Exception {
        StubServer engine = serve("engine", 200);
        StubServer gateway = serve("gateway", 200);
        StubServer baseline = serve("baseline", 200);

        String output = run("--engine", engine.url(), "--gateway", gateway.url(), "--token", "jwt",
                "--baseline-gateway", baseline.url(), "--baseline-token", "old-jwt", "--rounds", "2",
                "--rate", "50", "--seconds", "0.2", "--warmup", "0.1", "--rates", "none");

        assertThat(output).contains("'gateway -> cell -> engine' against 'baseline gateway -> cell -> engine': 2 rounds",
                "| 1 | candidate |", "| 2 | baseline |", "median of the rounds' p50 ratios: ");
        // Per round 5 warm-up and 10 measured requests, all with the session header and the baseline's own token.
        assertThat(baseline.requests).hasSize(30).allSatisfy(seen -> {
            assertThat(seen.session()).startsWith("bench-");
            assertThat(seen.authorization()).isEqualTo("Bearer old-jwt");
        });
        // The comparison's two gateway rows (15 each) and the two rounds' session rows (15 each).
        assertThat(gateway.requests).hasSize(60);
    }

    @Test
    void baselineGatewayWithoutItsTokenIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = new CommandLine(new OverheadCommand(System.out))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));

        assertThat(commandLine.execute("--engine", "http://127.0.0.1:1", "--gateway", "http://127.0.0.1:2",
                "--token", "t", "--baseline-gateway", "http://127.0.0.1:3")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--baseline-token");
    }

    @Test
    void ladderOfRatesThatAreNotRatesIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = new CommandLine(new OverheadCommand(System.out))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));

        assertThat(commandLine.execute("--engine", "http://127.0.0.1:1", "--gateway", "http://127.0.0.1:2",
                "--token", "t", "--rates", "100,fast")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rates", "'fast'");
    }

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new CommandLine(new OverheadCommand(new PrintStream(out, true, StandardCharsets.UTF_8)))
                .execute(args);
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private StubServer serve(String name, int status) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        StubServer server = new StubServer(http, new ConcurrentLinkedQueue<>());
        http.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            server.requests.add(new Seen(exchange.getRequestHeaders().getFirst("x-session-affinity"),
                    exchange.getRequestHeaders().getFirst("authorization")));
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        servers.put(name, server);
        return server;
    }

    private record Seen(String session, String authorization) {
    }

    private record StubServer(HttpServer http, ConcurrentLinkedQueue<Seen> requests) {
        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }
    }
}
