package io.warmpath.policy.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.contracts.testing.StubPolicyService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a cached allow costs a caller: {@link PolicyClient#decide} answered entirely from the allow cache, for one
 * question and for the gateway's usual batch (one per region, here two). Run with
 * {@code ./mvnw -q -pl policy-client test-compile exec:exec ... org.openjdk.jmh.Main CachedDecisionBenchmark}
 * (see docs/benchmarks.md, "Policy decisions").
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class CachedDecisionBenchmark {

    private static final Principal CALLER = new Principal("agent-1", "acme", List.of("analyst"), "eu-west",
            "confidential");
    private static final DecisionRequest EU = new DecisionRequest(CALLER, "infer",
            Resource.cell("eu-west", "eu-west", DataClass.CONFIDENTIAL));
    private static final DecisionRequest US = new DecisionRequest(CALLER, "infer",
            Resource.cell("us-east", "us-east", DataClass.CONFIDENTIAL));
    private static final List<DecisionRequest> ONE = List.of(EU);
    private static final List<DecisionRequest> TWO_REGIONS = List.of(EU, US);

    private StubPolicyService server;
    private PolicyClient client;

    @Setup
    public void warmCache() throws Exception {
        server = StubPolicyService.start();
        client = new PolicyClient(new PolicyClientSettings(URI.create(server.url()), Duration.ofSeconds(5),
                Duration.ofHours(1), 1000), new SimpleMeterRegistry(), principal -> "assertion",
                com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        if (!client.decide(TWO_REGIONS).block().stream().allMatch(Decision::allowed)) {
            throw new IllegalStateException("the stub must allow");
        }
    }

    @TearDown
    public void stop() {
        server.close();
    }

    @Benchmark
    public List<Decision> oneCachedDecision() {
        return client.decide(ONE).block();
    }

    @Benchmark
    public List<Decision> twoRegionsCached() {
        return client.decide(TWO_REGIONS).block();
    }
}
