package io.warmpath.inference.cell;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Requests inside this cell right now (from arrival until the last byte or failure). Unlike the engine's gauges,
 * which lag by a poll interval, this counter is exact and immediate, which is what a load-aware gateway wants.
 */
@Component
public class InFlightRequests {

    private final AtomicInteger count = new AtomicInteger();

    InFlightRequests(MeterRegistry registry) {
        Gauge.builder("warmpath.inference.in.flight", count, AtomicInteger::get)
                .description("Requests in this cell right now")
                .register(registry);
    }

    public void enter() {
        count.incrementAndGet();
    }

    public void leave() {
        count.decrementAndGet();
    }

    public int current() {
        return count.get();
    }
}
