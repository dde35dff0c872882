package io.warmpath.contracts.sessions;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Answer to a {@link TurnBatch}: one result per turn, in order.
 *
 * @param results the results
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TurnResults(List<TurnResult> results) {
}
