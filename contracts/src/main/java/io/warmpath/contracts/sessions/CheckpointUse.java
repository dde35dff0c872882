package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a turn of a checkpointing session did with its checkpoint, as its cell saw it.
 *
 * @param applied       the engine got the checkpoint's summary instead of the history it covers
 * @param mismatch      the session has a checkpoint, but the turn's history does not start with what it covers: the
 *                      turn went as sent
 * @param tokensRemoved about how many prompt tokens the checkpoint took off the turn (covered history less summary)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CheckpointUse(@JsonSetter(nulls = Nulls.AS_EMPTY) boolean applied,
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean mismatch,
        @JsonSetter(nulls = Nulls.AS_EMPTY) @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) long tokensRemoved) {
}
