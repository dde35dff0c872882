package io.warmpath.gateway.routing;

import java.time.Duration;

import io.warmpath.routing.StickySettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cell routing ({@code warmpath.gateway.routing.*}).
 *
 * @param policy        a routing-core policy name: {@code sticky}, {@code bounded-load}, {@code consistent-hash} or
 *                      {@code round-robin}
 * @param balanceFactor how far above the average load {@code bounded-load} (also {@code sticky}'s choice for new
 *                      sessions and rebinds) lets a cell go before keys spill over
 * @param sticky        when a session's binding yields to a faster cell
 */
@ConfigurationProperties("warmpath.gateway.routing")
record RoutingProperties(@DefaultValue("sticky") String policy, @DefaultValue("1.25") double balanceFactor,
        @DefaultValue Sticky sticky) {

    /**
     * {@code warmpath.gateway.routing.sticky.*}; see routing-core's {@code StickyPolicy} for the prediction.
     *
     * @param prefillTokensPerSecond the prefill rate of cells whose discovery metadata has no
     *                               {@code prefill-tokens-per-second}
     * @param serviceTime            how long each request waiting or in flight on a cell delays a new one
     * @param stickinessFactor       keep the bound cell while its predicted time to first token is at most this many
     *                               times the best alternative's ...
     * @param slack                  ... or at most this much more, whichever allows more
     */
    record Sticky(@DefaultValue("6000") double prefillTokensPerSecond, @DefaultValue("100ms") Duration serviceTime,
            @DefaultValue("2.0") double stickinessFactor, @DefaultValue("100ms") Duration slack) {
    }

    StickySettings stickySettings() {
        return new StickySettings(balanceFactor, sticky.prefillTokensPerSecond(), sticky.serviceTime().toNanos() / 1e6,
                sticky.stickinessFactor(), sticky.slack().toNanos() / 1e6);
    }
}
