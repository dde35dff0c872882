package io.warmpath.gateway.policy;

import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;

/**
 * The data a request carries, as {@link RegionGuard} admitted it: its class and the region it is pinned to. An
 * exchange attribute; the request's internal assertion carries both to the cell, which checks again.
 *
 * @param dataClass the class policy decided on
 * @param region    the region the data must stay in; {@code null} when it is not pinned
 */
public record DataScope(DataClass dataClass, @Nullable String region) {

    public static final String ATTRIBUTE = DataScope.class.getName();
}
