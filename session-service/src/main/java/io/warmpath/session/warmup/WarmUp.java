package io.warmpath.session.warmup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.warmpath.session.SessionProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Sends the service a few hundred turns' worth of its own internal API before it reports ready: resolutions that
 * open implicit sessions, recorded turns, and reservations settled, over real HTTP to its own port. A cold JVM answers
 * its first few hundred requests in hundreds of milliseconds (class loading, interpreted code), longer than the
 * gateway waits for a resolution (500 ms), so without this the first turns of new sessions after a restart are
 * routed without their session. Spring Boot turns readiness to accepting traffic only once the listeners of
 * {@link ApplicationReadyEvent} have returned, so callers that wait for readiness never see the cold service.
 *
 * <p>The turns belong to the tenant {@value #TENANT}, whose sessions expire like any implicit session, and carry
 * assertions the service signs for itself while the warm-up runs ({@link WarmUpAssertions}). A failure
 * (Redis down at startup, say) is logged and never stops the service from starting.
 */
@Component
class WarmUp {

    static final String TENANT = "warmpath:warm-up";

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int CONCURRENCY = 8;
    private static final int SESSIONS = 16;
    /** A warm-up that keeps failing (Redis dropping packets, say) stops rather than delay readiness for minutes. */
    private static final int MAX_FAILURES = 20;
    private static final Duration MAX_DURATION = Duration.ofSeconds(60);
    private static final Pattern SESSION_ID = Pattern.compile("\"session_id\":\"(ses_[a-z2-7]+)\"");
    private static final Pattern RESERVATION_ID =
            Pattern.compile("\"reservation_id\":\"(rsv_[a-z2-7]+\\.ses_[a-z2-7]+)\"");

    private final int rounds;
    private final int concurrency;
    private final String model;
    private final ApplicationAvailability availability;
    private final WarmUpAssertions assertions;
    private volatile @Nullable ReadinessState readinessWhileWarming;

    WarmUp(SessionProperties properties, ApplicationAvailability availability, WarmUpAssertions assertions) {
        this.availability = availability;
        this.assertions = assertions;
        this.rounds = properties.warmUpRounds();
        // All of the warm-up is one tenant's: more at once than a tenant may send would only be shed.
        this.concurrency = Math.min(CONCURRENCY, Math.min(properties.maxConcurrentRequestsPerTenant(),
                properties.maxConcurrentRequests()));
        // A priced model, so that the cost paths run too.
        this.model = properties.prices().keySet().stream().sorted().findFirst().orElse("warm-up");
    }

    @EventListener
    void onReady(ApplicationReadyEvent ready) throws InterruptedException {
        if (rounds == 0 || !(ready.getApplicationContext() instanceof WebServerApplicationContext web)) {
            assertions.close();
            return;
        }
        try {
            warmUp(web);
        }
        finally {
            assertions.close();
        }
    }

    private void warmUp(WebServerApplicationContext web) throws InterruptedException {
        URI base = URI.create("http://127.0.0.1:" + web.getWebServer().getPort());
        readinessWhileWarming = availability.getReadinessState();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + MAX_DURATION.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                ExecutorService workers = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().factory())) {
            for (int round = 0; round < rounds; round++) {
                int current = round;
                workers.execute(() -> {
                    if (failed.get() < MAX_FAILURES && System.nanoTime() < deadline && !turn(http, base, current)) {
                        failed.incrementAndGet();
                    }
                });
            }
        }
        log.info("Warmed up with {} turns in {} ms ({} failed; gives up after {} failures or {} s)", rounds,
                Duration.ofNanos(System.nanoTime() - start).toMillis(), failed.get(), MAX_FAILURES,
                MAX_DURATION.toSeconds());
    }

    /** The readiness state while the warm-up ran, {@code null} before it did: for tests of the startup order. */
    @Nullable ReadinessState readinessWhileWarming() {
        return readinessWhileWarming;
    }

    /** One turn as the gateway and a cell make it: resolve, then record it, or reserve and settle it. */
    private boolean turn(HttpClient http, URI base, int round) {
        try {
            String resolved = post(http, base.resolve("/internal/resolve"),
                    "{\"affinity\":\"warm-up-" + (round % SESSIONS) + "\"}");
            String sessionId = match(SESSION_ID, resolved);
            String usage = "\"model\":\"" + model + "\",\"prompt_tokens\":100,\"cached_tokens\":50,"
                    + "\"completion_tokens\":1,\"ttft_ms\":1,\"cell_id\":\"warm-up\"";
            if (round % 2 == 0) {
                post(http, base.resolve("/internal/turns"), "{\"turns\":[{\"session_id\":\"" + sessionId
                        + "\",\"request_id\":\"warm-up-" + round + "\"," + usage + "}]}");
            } else {
                String reserved = post(http, base.resolve("/internal/sessions/" + sessionId + "/reservations"),
                        "{\"model\":\"" + model + "\",\"prompt_tokens\":100,\"max_tokens\":1}");
                post(http, base.resolve("/internal/reservations/" + match(RESERVATION_ID, reserved) + "/settle"),
                        "{" + usage + "}");
            }
            return true;
        }
        catch (IOException | IllegalStateException failure) {
            return false;
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String post(HttpClient http, URI uri, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5))
                .header("content-type", "application/json")
                .header("authorization", assertions.bearer())
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("status " + response.statusCode());
        }
        return response.body();
    }

    private static String match(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("unexpected answer");
        }
        return matcher.group(1);
    }
}
