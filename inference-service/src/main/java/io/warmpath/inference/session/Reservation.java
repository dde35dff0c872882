package io.warmpath.inference.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A budget reservation granted by session-service; settled or released exactly once by the cell.
 *
 * @param id     the reservation id, for settle and release
 * @param tokens the tokens held against the session's budget until then
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Reservation(@JsonProperty("reservation_id") String id, @JsonProperty("tokens") long tokens) {
}
