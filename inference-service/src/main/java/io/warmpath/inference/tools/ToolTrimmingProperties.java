package io.warmpath.inference.tools;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tool-schema trimming at the cell ({@code warmpath.cell.tool-trimming.*}). Which tools a session trims is
 * session-service's decision ({@code warmpath.session.tool-trimming.*}, where tenants are switched off); the cell
 * applies it.
 *
 * @param enabled     whether the cell asks for and applies sessions' tool sets; off, every tool is sent as received
 * @param maxSessions sessions whose tool set the cell remembers (the least recently used are forgotten first, and
 *                    asked for again on their next turn)
 * @param idle        how long a session's tool set is remembered without a turn
 */
@ConfigurationProperties("warmpath.cell.tool-trimming")
record ToolTrimmingProperties(@DefaultValue("true") boolean enabled, @DefaultValue("100000") long maxSessions,
        @DefaultValue("1h") Duration idle) {
}
