package io.warmpath.bench.workload;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns to replay, in arrival order.
 *
 * @param name   what it is, for reports (a file name, or {@code synthetic(seed=...)})
 * @param tenant the tenant every routing key is scoped by (workload traces carry none)
 * @param turns  sorted by arrival time
 */
public record Workload(String name, String tenant, List<Turn> turns) {

    public Workload {
        turns = List.copyOf(turns);
        for (int i = 1; i < turns.size(); i++) {
            if (turns.get(i).arrivalSeconds() < turns.get(i - 1).arrivalSeconds()) {
                throw new IllegalArgumentException("turns must be in arrival order (turn " + i + ")");
            }
        }
    }

    public int size() {
        return turns.size();
    }

    public long promptTokens() {
        return turns.stream().mapToLong(Turn::promptTokens).sum();
    }

    public int sessions() {
        Set<String> sessions = new HashSet<>();
        turns.forEach(turn -> sessions.add(turn.sessionId()));
        return sessions.size();
    }

    /** Seconds from the first arrival to the last. */
    public double spanSeconds() {
        return turns.isEmpty() ? 0 : turns.getLast().arrivalSeconds() - turns.getFirst().arrivalSeconds();
    }

    /**
     * Share of prompt blocks whose whole prefix was seen before: the hit ratio of one cache of unbounded size at the
     * workload's block granularity, the ceiling no routing and no cache size can beat.
     */
    public double unboundedBlockHitRatio() {
        PrefixIndex index = new PrefixIndex();
        long blocks = 0;
        long hits = 0;
        for (Turn turn : turns) {
            blocks += turn.blockIds().length;
            hits += index.longestMatch(turn.blockIds()).depth();
            index.insert(turn.blockIds(), 0);
        }
        return blocks == 0 ? 0 : (double) hits / blocks;
    }
}
