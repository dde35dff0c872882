package io.warmpath.routing;

import java.util.Map;
import java.util.Objects;

/**
 * An inference cell: one inference-service in front of exactly one engine, so choosing a cell is choosing a cache.
 *
 * @param id     stable identity; the hash ring places cells by it, so it must survive restarts and re-registration
 * @param model  the model the cell's engine serves
 * @param region where the cell runs, for data residency
 * @param labels anything else (zone, capacity); the policies read only {@value #PREFILL_RATE_LABEL}
 */
public record Cell(String id, String model, String region, Map<String, String> labels) {

    /**
     * Optional label: the cell's prefill rate in prompt tokens per second, for {@code sticky}'s time-to-first-token
     * prediction. Cells without it (or with a value that is not a positive number) use the policy's default rate.
     */
    public static final String PREFILL_RATE_LABEL = "prefill-tokens-per-second";

    public Cell {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(region, "region");
        labels = Map.copyOf(labels);
    }

    public Cell(String id, String model, String region) {
        this(id, model, region, Map.of());
    }

    /** The prefill rate its {@link #PREFILL_RATE_LABEL} gives, in tokens per second; NaN without a valid one. */
    public double labelledPrefillRate() {
        String label = labels.get(PREFILL_RATE_LABEL);
        if (label == null) {
            return Double.NaN;
        }
        try {
            double rate = Double.parseDouble(label.trim());
            return rate > 0 && Double.isFinite(rate) ? rate : Double.NaN;
        } catch (NumberFormatException notANumber) {
            return Double.NaN;
        }
    }
}
