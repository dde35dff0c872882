package io.warmpath.inference.prefix;

import java.time.Duration;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Prefix-break diagnosis ({@code warmpath.cell.prefix-watch.*}).
 *
 * @param enabled     whether session turns are compared with their previous turn
 * @param maxBlocks   prompt blocks remembered in all, over every session (about 40 bytes each); the least recently
 *                    used sessions are forgotten first, and a forgotten session's next turn is not compared
 * @param idle        how long a session's previous prompt is remembered without a turn
 * @param stableTools whether chat tools reach the engine byte-stable: each tool's members in sorted order, and a
 *                    session's tools in the order it first sent them
 * @param stableToolsOffFor tenants whose tools reach the engine exactly as they sent them
 */
@ConfigurationProperties("warmpath.cell.prefix-watch")
record PrefixWatchProperties(@DefaultValue("true") boolean enabled, @DefaultValue("2000000") long maxBlocks,
        @DefaultValue("1h") Duration idle, @DefaultValue("true") boolean stableTools,
        @Nullable Set<String> stableToolsOffFor) {

    PrefixWatchProperties {
        stableToolsOffFor = stableToolsOffFor == null ? Set.of() : Set.copyOf(stableToolsOffFor);
    }
}
