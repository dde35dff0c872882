/**
 * Errors, one way everywhere: an {@link io.warmpath.contracts.errors.ErrorCode} fixes the HTTP status and the OpenAI
 * error {@code type} of each stable {@code code}; an {@link io.warmpath.contracts.errors.ApiError} is one error with
 * its message; {@link io.warmpath.contracts.errors.ErrorBody} is the OpenAI error JSON every {@code /v1} answer uses.
 */
@NullMarked
package io.warmpath.contracts.errors;

import org.jspecify.annotations.NullMarked;
