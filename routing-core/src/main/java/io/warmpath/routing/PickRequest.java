package io.warmpath.routing;

import java.util.BitSet;

/**
 * What a policy needs to know about one request.
 *
 * @param key      the routing key: tenant and session, or the prompt skeleton's hash; {@code null} when there is none
 * @param load     the pool's current load
 * @param excluded indexes of cells not to pick this time (for example those that just failed this request)
 */
public record PickRequest(String key, LoadView load, BitSet excluded) {

    public PickRequest {
        load = load == null ? LoadView.NONE : load;
        excluded = excluded == null ? new BitSet() : excluded;
    }

    public static PickRequest of(String key) {
        return new PickRequest(key, LoadView.NONE, new BitSet());
    }

    public static PickRequest of(String key, LoadView load) {
        return new PickRequest(key, load, new BitSet());
    }

    boolean allowed(int cellIndex) {
        return !excluded.get(cellIndex);
    }
}
