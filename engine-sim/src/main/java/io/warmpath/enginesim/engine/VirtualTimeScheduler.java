package io.warmpath.enginesim.engine;

import java.util.PriorityQueue;

/**
 * A discrete-event {@link EventScheduler}: time only moves when the caller advances it, and nothing sleeps. Use it
 * to replay workloads in process as fast as the CPU allows, or to test the latency model exactly.
 *
 * <p>Not thread-safe: submit requests and advance time from one thread. Listener callbacks run inside
 * {@link #advanceTo(double)} / {@link #runUntilIdle()}.
 */
public final class VirtualTimeScheduler implements EventScheduler {

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private double now;
    private long sequence;

    @Override
    public double now() {
        return now;
    }

    @Override
    public void schedule(double atSeconds, Runnable task) {
        events.add(new Event(Math.max(atSeconds, now), sequence++, task));
    }

    @Override
    public void execute(Runnable task) {
        schedule(now, task);
    }

    @Override
    public double timeScale() {
        return 1.0;
    }

    /** Runs every event due up to {@code timeSeconds}, then sets the clock there. */
    public void advanceTo(double timeSeconds) {
        while (!events.isEmpty() && events.peek().atSeconds() <= timeSeconds) {
            Event event = events.poll();
            now = event.atSeconds();
            event.task().run();
        }
        now = Math.max(now, timeSeconds);
    }

    /** Runs events until none is left; the clock ends at the last event's time. */
    public void runUntilIdle() {
        while (!events.isEmpty()) {
            Event event = events.poll();
            now = event.atSeconds();
            event.task().run();
        }
    }

    /** Number of pending events. */
    public int pendingEvents() {
        return events.size();
    }

    private record Event(double atSeconds, long sequence, Runnable task) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Double.compare(atSeconds, other.atSeconds);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
