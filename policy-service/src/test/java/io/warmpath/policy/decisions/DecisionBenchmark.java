package io.warmpath.policy.decisions;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.cedarpolicy.BasicAuthorizationEngine;
import io.warmpath.policy.policies.PolicyBundle;
import io.warmpath.policy.policies.PolicyBundles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Cedar decision against the shipped default policies, in process (no HTTP): principal and resource entities
 * built, the request crosses JNI, the answer is read. See docs/benchmarks.md, "Policy decisions".
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class DecisionBenchmark {

    private Decider decider;
    private PolicyBundle bundle;
    private Question internalAllow;
    private Question regulatedAllow;
    private Question regulatedUnknownTenant;

    @Setup
    public void setUp() {
        decider = new Decider(new BasicAuthorizationEngine());
        bundle = PolicyBundles.defaults();
        internalAllow = question("acme", "internal", "eu-west", null);
        regulatedAllow = question("dev", "regulated", "local", "regulated");
        regulatedUnknownTenant = question("acme", "regulated", "local", "regulated");
        if (!decider.decide(internalAllow, bundle).allowed() || !decider.decide(regulatedAllow, bundle).allowed()
                || decider.decide(regulatedUnknownTenant, bundle).allowed()) {
            throw new IllegalStateException("the default policies do not decide as documented");
        }
    }

    @Benchmark
    public Verdict internalDataAllowed() {
        return decider.decide(internalAllow, bundle);
    }

    @Benchmark
    public Verdict regulatedDataAllowedInTenantRegion() {
        return decider.decide(regulatedAllow, bundle);
    }

    @Benchmark
    public Verdict regulatedDataUnknownTenantDenied() {
        return decider.decide(regulatedUnknownTenant, bundle);
    }

    private static Question question(String tenant, String dataClass, String region, String clearance) {
        return new Question("agent-1", tenant, List.of("analyst"), region,
                clearance == null ? Questions.DEFAULT_CLEARANCE.wireName() : clearance, Action.INFER, ResourceType.CELL, "cell-1", region,
                dataClass, Map.of(), null);
    }
}
