package io.warmpath.contracts.sessions;

import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /internal/turns}: turns of sessions without limits, from one cell and one tenant, sent
 * together so that a busy cell makes one call every few milliseconds instead of one per turn. Each turn is
 * validated and recorded on its own; the answer has a {@link TurnResult} per turn, in order.
 *
 * @param turns 1 to {@value #MAX_TURNS} turns
 */
public record TurnBatch(@NotEmpty @Size(max = TurnBatch.MAX_TURNS) @Nullable List<RecordedTurn> turns) {

    public static final int MAX_TURNS = 1000;
}
