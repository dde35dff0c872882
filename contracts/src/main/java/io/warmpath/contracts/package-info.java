/**
 * What Warmpath's services agree on, in one place: header names ({@link io.warmpath.contracts.WarmpathHeaders}),
 * the data classes ({@link io.warmpath.contracts.DataClass}), error codes and the OpenAI error body
 * ({@link io.warmpath.contracts.errors}), and the DTOs and declarative clients of the internal APIs
 * ({@link io.warmpath.contracts.sessions}, {@link io.warmpath.contracts.policy}, {@link io.warmpath.contracts.cells}).
 *
 * <p>Plain Java: Jackson and validation annotations, JSpecify nullness, and Spring's {@code @HttpExchange} for the
 * clients. Every DTO is a record named the same on both sides of its call, with snake_case on the wire.
 */
@NullMarked
package io.warmpath.contracts;

import org.jspecify.annotations.NullMarked;
