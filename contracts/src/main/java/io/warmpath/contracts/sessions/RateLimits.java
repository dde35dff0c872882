package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Rate limits of one API key, on top of its tenant's: each absent limit is the gateway's default for keys.
 *
 * @param requestsPerMinute  requests it may start per minute
 * @param tokensPerMinute    tokens (prompt and completion) it may use per minute
 * @param concurrentRequests requests it may have in flight at once
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RateLimits(@Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute,
        @Nullable Long concurrentRequests) {

    /** No limits of its own. */
    public static final RateLimits NONE = new RateLimits(null, null, null);
}
