package io.warmpath.contracts.sessions;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A granted reservation (201 to a reserve): settled or released exactly once by the cell.
 *
 * @param reservationId the id, for settle and release
 * @param tokens        the tokens held against the session's budget until then
 * @param costUsd       the most the request may cost at the price table
 * @param expiresAt     when an unsettled hold is given back by itself
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Reservation(String reservationId, long tokens, @Nullable BigDecimal costUsd,
        @Nullable Instant expiresAt) {
}
