package io.warmpath.bench.workload;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A trie of block-id prefixes: each node is one prefix seen so far and remembers the session of the latest turn that
 * went through it. Lookup and insert cost O(blocks of the prompt), so deriving sessions for a 12,000-turn trace takes
 * milliseconds.
 */
final class PrefixIndex {

    private static final int ROOT = 0;

    /** Child node by (parent node, block id). */
    private final Map<Edge, Integer> children = new HashMap<>();
    private int[] latestSession = new int[1024];
    private int nodes = 1;

    /** The deepest prefix of {@code blockIds} already in the index. */
    Match longestMatch(long[] blockIds) {
        int node = ROOT;
        int depth = 0;
        for (long blockId : blockIds) {
            Integer child = children.get(new Edge(node, blockId));
            if (child == null) {
                break;
            }
            node = child;
            depth++;
        }
        return new Match(depth, depth == 0 ? -1 : latestSession[node]);
    }

    /** Adds every prefix of {@code blockIds}, each now remembering {@code session} as its latest. */
    void insert(long[] blockIds, int session) {
        int node = ROOT;
        for (long blockId : blockIds) {
            Edge edge = new Edge(node, blockId);
            Integer child = children.get(edge);
            if (child == null) {
                child = newNode();
                children.put(edge, child);
            }
            node = child;
            latestSession[node] = session;
        }
    }

    private int newNode() {
        if (nodes == latestSession.length) {
            latestSession = Arrays.copyOf(latestSession, nodes * 2);
        }
        return nodes++;
    }

    /**
     * @param depth   blocks matched
     * @param session session of the latest turn that shared those blocks, or -1 when nothing matched
     */
    record Match(int depth, int session) {
    }

    private record Edge(int parent, long blockId) {
    }
}
