package io.warmpath.session.tools;

import java.time.Duration;
import java.util.Set;

import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tool-schema trimming ({@code warmpath.session.tool-trimming.*}).
 *
 * @param enabled whether sessions get trimmed tool sets at all; off, every session's tool set is empty
 * @param window  how many of its turns that offered tools a workflow is judged over: a tool it has not called in its
 *                last {@code window} such turns is trimmed from its new sessions, and nothing is trimmed before the
 *                workflow has had that many
 * @param keep    how long a workflow's record of its tool calls outlives its last turn
 * @param offFor  tenants whose sessions are never trimmed
 */
@ConfigurationProperties("warmpath.session.tool-trimming")
@Validated
public record ToolTrimmingProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("200") @Min(value = 1, message = "must be at least 1") int window,
        @DefaultValue("30d") Duration keep,
        @Nullable Set<String> offFor) {

    public ToolTrimmingProperties {
        offFor = offFor == null ? Set.of() : Set.copyOf(offFor);
    }

    /** Whether the tenant's sessions may be trimmed. */
    boolean appliesTo(String tenant) {
        return enabled && !offFor.contains(tenant);
    }
}
