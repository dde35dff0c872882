package io.warmpath.policy.decisions;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * {@code warmpath.policy.decisions{action, decision}} and the evaluation time of one decision,
 * {@code warmpath.policy.decision.duration} (a percentile histogram, plus p50 and p99 computed in process). No
 * tenant or principal labels.
 */
@Component
class DecisionMetrics {

    private final MeterRegistry meters;
    private final Timer duration;

    DecisionMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.duration = Timer.builder("warmpath.policy.decision.duration")
                .description("Time to evaluate one decision with Cedar, principal and resource building included")
                .publishPercentileHistogram()
                // Also computed here: the steady-load run reads them, and they need no histogram query to watch.
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    void decided(Action action, Verdict verdict, long nanos) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
        Counter.builder("warmpath.policy.decisions")
                .description("Decisions by action and answer")
                .tags("action", action.id(), "decision", verdict.decision())
                .register(meters)
                .increment();
    }
}
