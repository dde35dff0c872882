package io.warmpath.inference.engine;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.warmpath.inference.CellProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EngineMonitorTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private final AtomicInteger modelPolls = new AtomicInteger();
    private EngineMonitor monitor;

    @AfterEach
    void stop() {
        monitor.stop();
    }

    @Test
    void pollThatFailsUnexpectedlyIsSkippedAndPollingGoesOn() {
        // The first answers list a model without an id, which fails the whole poll, not just the model part.
        monitor = new EngineMonitor(engineAnswering(polls -> polls <= 3
                ? "{\"data\":[{\"object\":\"model\"}]}"
                : "{\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}"), cell());

        monitor.start();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(monitor.current().models()).isEqualTo(List.of("m"));
            assertThat(monitor.engineReady()).isTrue();
        });
        assertThat(modelPolls.get()).isGreaterThan(3);
    }

    @Test
    void keepsTheContextLengthEachModelReports() {
        monitor = new EngineMonitor(engineAnswering(polls -> """
                {"object":"list","data":[{"id":"m","object":"model","max_model_len":4096},
                                         {"id":"n","object":"model"}]}"""), cell());
        assertThat(monitor.contextLength("m")).isEmpty();

        monitor.start();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(monitor.contextLength("m")).isEqualTo(OptionalInt.of(4096)));
        // No model named: the engine's default, its first.
        assertThat(monitor.contextLength(null)).isEqualTo(OptionalInt.of(4096));
        assertThat(monitor.contextLength("n")).isEmpty();
        assertThat(monitor.contextLength("not-served")).isEmpty();
    }

    /** A stand-in engine: healthy, no metrics, and the model list the function gives for the n-th poll. */
    private WebClient engineAnswering(IntFunction<String> models) {
        return WebClient.builder()
                .exchangeFunction(request -> Mono.fromSupplier(() -> switch (request.url().getPath()) {
                    case "/v1/models" -> ClientResponse.create(HttpStatus.OK)
                            .header(HttpHeaders.CONTENT_TYPE, "application/json")
                            .body(models.apply(modelPolls.incrementAndGet()))
                            .build();
                    case "/metrics" -> ClientResponse.create(HttpStatus.OK)
                            .header(HttpHeaders.CONTENT_TYPE, "text/plain")
                            .body("")
                            .build();
                    default -> ClientResponse.create(HttpStatus.OK).build();
                }))
                .build();
    }

    private static CellProperties cell() {
        return new CellProperties("cell-1", "local", URI.create("http://127.0.0.1:1"),
                new CellProperties.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofMinutes(1)),
                INTERVAL, Duration.ofSeconds(1), DataSize.ofMegabytes(1), URI.create("http://127.0.0.1:1"),
                Duration.ofSeconds(1), 1024, Duration.ofMillis(20),
                new CellProperties.CacheSalt(null, CellProperties.CacheSalt.Scope.TENANT));
    }
}
