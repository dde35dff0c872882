package io.warmpath.artifacts.store;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param keys      object keys, in key order
 * @param truncated whether more keys follow the last one
 */
public record ObjectPage(List<String> keys, boolean truncated) {

    public ObjectPage {
        keys = List.copyOf(keys);
    }
}
