package io.warmpath.inference.lanes;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Admission lanes ({@code warmpath.cell.lanes.*}).
 *
 * @param enabled            off, every request goes straight to the engine
 * @param prefillHeavyTokens a request whose prompt the cell expects to prefill at least this many tokens of (its
 *                           estimated prompt less the cached tokens the gateway predicts) takes the prefill lane
 * @param interactive        the interactive lane: short prefills, generation-bound turns (64 at once, 512 queued)
 * @param prefill            the prefill lane: long cold prompts (1 at once, 64 queued)
 * @param enginePriority     also set vLLM's {@code priority} on engine requests (0 interactive, 1 prefill): only for
 *                           an engine started with {@code --scheduling-policy priority}, which refuses it otherwise
 * @param offFor             tenants whose requests bypass the lanes (a benchmark's control tenant)
 */
@ConfigurationProperties("warmpath.cell.lanes")
public record LaneProperties(@DefaultValue("true") boolean enabled, @DefaultValue("4096") long prefillHeavyTokens,
        @DefaultValue Interactive interactive, @DefaultValue Prefill prefill,
        @DefaultValue("false") boolean enginePriority, @Nullable List<String> offFor) {

    public LaneProperties {
        offFor = offFor == null ? List.of() : List.copyOf(offFor);
        if (prefillHeavyTokens < 1) {
            throw new IllegalArgumentException("warmpath.cell.lanes.prefill-heavy-tokens must be positive");
        }
    }

    /** One lane's limits: requests it lets run on the engine at once, and requests it lets wait (one more is refused). */
    public interface Limits {

        int concurrency();

        int queue();
    }

    /** {@code warmpath.cell.lanes.interactive.*}: turns are many and short, so many run at once. */
    public record Interactive(@DefaultValue("64") int concurrency, @DefaultValue("512") int queue) implements Limits {

        public Interactive {
            check(concurrency, queue);
        }
    }

    /**
     * {@code warmpath.cell.lanes.prefill.*}: one long prefill at a time by default. The engine's prefill rate is
     * shared by every prompt it prefills at once, so each more long prompt running slows every short turn's first
     * token; queued in the cell instead, they finish as soon overall (the engine stays as busy), earliest deadline
     * first.
     */
    public record Prefill(@DefaultValue("1") int concurrency, @DefaultValue("64") int queue) implements Limits {

        public Prefill {
            check(concurrency, queue);
        }
    }

    private static void check(int concurrency, int queue) {
        if (concurrency < 1 || queue < 0) {
            throw new IllegalArgumentException("a lane's concurrency must be positive and its queue not negative");
        }
    }
}
