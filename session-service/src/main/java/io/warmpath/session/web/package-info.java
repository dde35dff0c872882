/**
 * The web edge of the service: who calls (the gateway's internal assertion, verified by
 * {@code SecurityConfiguration}; handlers take the caller's {@link io.warmpath.session.web.Tenant}), load shedding,
 * and errors. Every
 * error, on {@code /v1/*} and on {@code /internal/*} alike, is OpenAI error JSON
 * ({@code {"error": {"message", "type", "code"}}}), so an inference cell can relay a budget refusal to its client as
 * it came.
 */
package io.warmpath.session.web;
