package io.warmpath.bench.replay;

/**
 * How a scale-out event moved the sessions that existed before it.
 *
 * @param existingSessions sessions with at least one turn before the event
 * @param remapped         of those, sessions the policy assigns to another cell right after the event than right
 *                         before it (consistent-hash: the key's home on the ring changed; sticky: the stored binding
 *                         changed); {@link #NOT_APPLICABLE} for a policy with no cell per session (round-robin)
 * @param returning        existing sessions with a turn after the event
 * @param movedOnReturn    of those, sessions whose first turn after the event went to another cell than their last
 *                         turn before it: what the cache actually lost, whatever the reason (remapping, load)
 */
public record ScaleOutMoves(int existingSessions, int remapped, int returning, int movedOnReturn) {

    /** {@link #remapped} of a policy that has no cell per session. */
    public static final int NOT_APPLICABLE = -1;
}
