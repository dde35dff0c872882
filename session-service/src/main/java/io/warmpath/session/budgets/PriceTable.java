package io.warmpath.session.budgets;

import java.math.BigDecimal;
import java.util.Map;

import io.warmpath.session.SessionProperties;
import io.warmpath.session.SessionProperties.Price;
import io.warmpath.session.Usd;
import org.springframework.stereotype.Component;

/** Costs at {@code warmpath.session.prices} (USD per million tokens), in nano-USD. */
@Component
class PriceTable {

    /** What an unpriced model's estimate is marked with; reserve.lua refuses it only under a cost budget. */
    static final long UNPRICED = -1;

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final Map<String, Price> prices;

    PriceTable(SessionProperties properties) {
        this.prices = properties.prices();
    }

    /**
     * The cost held for a request before it runs: the whole prompt at the input price (no cache hit assumed) and
     * every allowed completion token at the output price, rounded up.
     */
    long estimateNanos(String model, long promptTokens, long maxTokens) {
        Price price = prices.get(model);
        if (price == null) {
            return UNPRICED;
        }
        BigDecimal usd = price.input().multiply(BigDecimal.valueOf(promptTokens))
                .add(price.output().multiply(BigDecimal.valueOf(maxTokens)))
                .divide(MILLION);
        return Usd.toNanosCeiling(usd);
    }

    /** The cost of a turn as it ran: uncached prompt, cached prompt and completion each at its price. */
    long actualNanos(String model, long promptTokens, long cachedTokens, long completionTokens) {
        Price price = prices.get(model);
        if (price == null) {
            return 0;
        }
        BigDecimal usd = price.input().multiply(BigDecimal.valueOf(promptTokens - cachedTokens))
                .add(price.cachedInput().multiply(BigDecimal.valueOf(cachedTokens)))
                .add(price.output().multiply(BigDecimal.valueOf(completionTokens)))
                .divide(MILLION);
        return Usd.toNanosRounded(usd);
    }
}
