package io.warmpath.enginesim.engine;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EventScheduler} on one daemon thread that waits in real time: a model second lasts
 * {@code timeScale} real seconds. No thread is held per request; waiting requests are entries in a delay queue.
 */
public final class RealTimeScheduler implements EventScheduler, AutoCloseable {

    private final double timeScale;
    private final long originNanos = System.nanoTime();
    private final ScheduledThreadPoolExecutor executor;

    /** @param timeScale real seconds per model second, positive (0.05 runs twenty times faster than real time) */
    public RealTimeScheduler(double timeScale) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be positive");
        }
        this.timeScale = timeScale;
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "engine-sim-events");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public double now() {
        return (System.nanoTime() - originNanos) / 1e9 / timeScale;
    }

    @Override
    public void schedule(double atSeconds, Runnable task) {
        long deadlineNanos = originNanos + (long) (atSeconds * timeScale * 1e9);
        executor.schedule(task, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public double timeScale() {
        return timeScale;
    }

    /** Stops the event thread; pending events are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
