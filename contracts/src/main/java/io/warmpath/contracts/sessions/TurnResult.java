package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The result of one recorded turn.
 *
 * @param turnId  the ledger's id of the turn, when it was recorded
 * @param status  {@value #RECORDED}, {@value #ALREADY_RECORDED}, {@value #SESSION_NOT_FOUND} or
 *                {@value #INVALID_REQUEST}
 * @param message why, for {@value #INVALID_REQUEST}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TurnResult(@Nullable String turnId, String status, @Nullable String message) {

    public static final String RECORDED = "recorded";
    public static final String ALREADY_RECORDED = "already_recorded";
    public static final String SESSION_NOT_FOUND = "session_not_found";
    public static final String INVALID_REQUEST = "invalid_request";
}
