package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Answer to a settle.
 *
 * @param reservationId the reservation
 * @param status        {@value #SETTLED}, or {@value #ALREADY_SETTLED} for a repeated call (nothing changed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SettleResult(String reservationId, String status) {

    public static final String SETTLED = "settled";
    public static final String ALREADY_SETTLED = "already_settled";
}
