package io.warmpath.routing;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one pick, per policy and pool size. Run with
 * {@code ./mvnw -q -pl routing-core test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.openjdk.jmh.Main}
 * (see docs/benchmarks.md for the exact command and figures).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PickBenchmark {

    @Param({"8", "64", "1000"})
    int cells;

    @Param({"round-robin", "consistent-hash", "bounded-load"})
    String policyName;

    private RoutingPolicy policy;
    private CellPool pool;
    private int[] load;
    private String[] keys;
    private int next;

    @Setup
    public void setUp() {
        policy = RoutingPolicies.byName(policyName, 1.25);
        pool = CellPool.of(ConsistentHashPolicyTest.cells(cells));
        load = new int[cells];
        for (int i = 0; i < cells; i++) {
            load[i] = i % 7;
        }
        keys = new String[4096];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = RoutingKeys.session("tenant-" + (i % 13), "session-" + i);
        }
    }

    @Benchmark
    public int pick() {
        String key = keys[next++ & (keys.length - 1)];
        return policy.pick(pool, PickRequest.of(key, i -> load[i])).orElse(-1);
    }
}
