package io.warmpath.contracts.policy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;

/**
 * Answer to a {@link DecisionBatch}: one decision per question, in order.
 *
 * @param decisions the decisions
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecisionAnswers(@Nullable List<DecisionAnswer> decisions) {
}
