package io.warmpath.enginesim.engine;

/**
 * The engine's clock and event loop. Times are model seconds (simulated time). All tasks run one at a time, in
 * time order, so the engine's state needs no locks.
 *
 * <p>{@link RealTimeScheduler} sleeps for real (times a time scale); {@link VirtualTimeScheduler} does not sleep
 * at all, for in-process benchmarks and tests.
 */
public interface EventScheduler {

    /** Current model time in seconds. */
    double now();

    /** Runs the task at model time {@code atSeconds} (or as soon as possible when that has passed). */
    void schedule(double atSeconds, Runnable task);

    /** Runs the task as soon as possible on the event loop. */
    void execute(Runnable task);

    /** Real seconds per model second (1.0 = real time, 0.05 = twenty times faster). */
    double timeScale();
}
