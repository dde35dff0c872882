package io.warmpath.gateway.models;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.sessions.ModelRoute;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Cache-aware model routing: a request naming a routing alias ({@code warmpath.gateway.models.routing.<alias>}, such
 * as {@code auto}) is served by the alias's light model only when its turn is expected to cost less there than on the
 * default model, counting the prompt as cached on a model only as far as the session is warm there: as much as the
 * last cell of that model that served the session holds (its bound cell's prompt, and for the model it left, what
 * this gateway saw it send there last). A cold first turn of a short prompt goes light; a long session stays where
 * its cache is, unless even its cached tokens cost more than the other model's. A request that says
 * {@code x-workload-class: heavy} stays on the default model. A request naming a model is never rerouted.
 */
@Component
public class CostAwareRouting {

    /** The {@code x-workload-class} that keeps a request on its alias's default model. */
    static final String HEAVY = "heavy";

    private final ModelProperties properties;
    private final MeterRegistry meters;
    private final Counter saved;

    CostAwareRouting(ModelProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
        this.saved = Counter.builder("warmpath.gateway.model.routing.saving").baseUnit("usd")
                .description("Expected USD saved by cache-aware model routing against the alternative")
                .register(meters);
    }

    /** Whether a request naming {@code requested} is routed by cost for this tenant. */
    public boolean isRoutingAlias(String requested, String tenant) {
        return properties.routingAlias(requested, tenant).isPresent();
    }

    /**
     * The model to serve a request with, when it names a routing alias for its tenant; empty otherwise.
     *
     * @param requested        the model the request names
     * @param workloadClass    its {@code x-workload-class}, if any
     * @param promptTokens     its prompt, estimated
     * @param completionTokens what it may generate, when it says
     * @param heldByModel      per model, about how many prompt tokens of its session a cell of that model holds
     */
    public Optional<Decision> decide(String requested, String tenant, @Nullable String workloadClass,
            long promptTokens, @Nullable Long completionTokens, Map<String, Long> heldByModel) {
        return properties.routingAlias(requested, tenant).map(alias -> {
            long completion = completionTokens != null ? completionTokens : alias.expectedCompletionTokens();
            double onDefault = cost(alias.defaultModel(), promptTokens, completion, heldByModel);
            double onLight = cost(alias.lightModel(), promptTokens, completion, heldByModel);
            boolean heavy = workloadClass != null && HEAVY.equals(workloadClass.strip().toLowerCase(Locale.ROOT));
            Decision decision = !heavy && onLight < onDefault
                    ? new Decision(requested, alias.lightModel(), alias.defaultModel(), onLight, onDefault)
                    : new Decision(requested, alias.defaultModel(), alias.lightModel(), onDefault, onLight);
            Counter.builder("warmpath.gateway.model.routing").tag("alias", requested).tag("model", decision.model())
                    .description("Requests for routing aliases, by the model chosen").register(meters).increment();
            saved.increment(decision.savingUsd());
            return decision;
        });
    }

    /** The turn's expected price on a model: its prompt cached there only as far as the session is warm there. */
    private double cost(String model, long promptTokens, long completionTokens, Map<String, Long> heldByModel) {
        long cached = Math.min(promptTokens, Math.max(0, heldByModel.getOrDefault(model, 0L)));
        return properties.prices().get(model).usd(promptTokens, cached, completionTokens);
    }

    /**
     * A routing decision, as the response reports it.
     *
     * @param alias            the routing alias requested
     * @param model            the model chosen
     * @param alternative      the alias's other model
     * @param expectedUsd      the turn's expected price on the chosen model
     * @param alternativeUsd   its expected price on the other
     */
    public record Decision(String alias, String model, String alternative, double expectedUsd,
            double alternativeUsd) {

        /** What choosing {@link #model} is expected to save against {@link #alternative}; 0 when it saves nothing. */
        public double savingUsd() {
            return Math.max(0, alternativeUsd - expectedUsd);
        }

        /** As the response's (and the cell's) {@code x-warmpath-model-route} says it. */
        public String headerValue() {
            return new ModelRoute(model, alternative, expectedUsd, alternativeUsd).headerValue();
        }
    }
}
