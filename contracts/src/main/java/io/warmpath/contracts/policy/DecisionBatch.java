package io.warmpath.contracts.policy;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /v1/decisions}: 1 to {@value #MAX_REQUESTS} questions, answered in order.
 *
 * @param requests the questions
 */
public record DecisionBatch(@Nullable List<DecisionRequest> requests) {

    public static final int MAX_REQUESTS = 256;
}
