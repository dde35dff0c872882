package io.warmpath.session.sessions;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Where a session's cache lives: the cell its turns go to.
 *
 * @param cellId           the bound cell
 * @param model            the model the cell serves for this session
 * @param boundAt          when the binding was last set
 * @param epoch            bumped on every bind; callers compare-and-set on it
 * @param lastPromptTokens prompt tokens of the last settled turn (what the cell is expected to hold); null before one
 */
public record Binding(String cellId, String model, Instant boundAt, long epoch, @Nullable Long lastPromptTokens) {
}
