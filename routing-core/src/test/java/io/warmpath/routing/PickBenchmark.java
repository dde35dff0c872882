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

    @Param({"round-robin", "consistent-hash", "bounded-load", "sticky"})
    String policyName;

    private RoutingPolicy policy;
    private CellPool pool;
    private int[] load;
    private String[] keys;
    /** Per key: sticky's stored binding (three in four sessions have one, as in a steady multi-turn workload). */
    private SessionBinding[] bindings;
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
        bindings = new SessionBinding[keys.length];
        for (int i = 0; i < keys.length; i++) {
            bindings[i] = i % 4 == 0 ? null : new SessionBinding(pool.get((i * 31) % cells).id(), 8_000 + i);
        }
    }

    @Benchmark
    public int pick() {
        int k = next++ & (keys.length - 1);
        // Other policies ignore the session part of the request.
        return policy.pick(pool, PickRequest.of(keys[k], i -> load[i]).withSession(bindings[k], 8_500)).orElse(-1);
    }
}
