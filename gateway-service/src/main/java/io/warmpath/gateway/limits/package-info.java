/**
 * Rate limits per tenant and per API key, shared by every gateway through Redis: requests per minute, tokens per
 * minute (reserved from the request, settled with the usage its cell reports) and concurrent requests.
 *
 * <p>{@link io.warmpath.gateway.limits.RateLimits} admits or refuses each inference request in one Lua script (token
 * buckets refilled continuously, a sorted set of leased in-flight requests), sets OpenAI's {@code x-ratelimit-*}
 * headers on its response and settles its tokens when the response ends.
 */
@NullMarked
package io.warmpath.gateway.limits;

import org.jspecify.annotations.NullMarked;
