/**
 * The internal assertion, minted and verified.
 *
 * <p>The gateway is its only issuer: {@link io.warmpath.assertion.AssertionIssuer} signs, with an ES256 key, one
 * assertion per caller, request facts and audience, and hands the same one out again for a short while (signing costs
 * about a hundred microseconds; a reused assertion, a hash lookup). Cells, session-service and policy-service verify
 * it: {@link io.warmpath.assertion.AssertionJwtDecoder} checks signature, issuer, audience and expiry against a key
 * set that may hold several keys (rotation), and remembers what it verified;
 * {@link io.warmpath.assertion.AssertionSecurity} applies the rules common to every servlet service as a Spring
 * Security resource server, {@link io.warmpath.assertion.AssertionWebFilter} the same for a reactive one. The design
 * and the threats it answers are in docs/security.md.
 */
@NullMarked
package io.warmpath.assertion;

import org.jspecify.annotations.NullMarked;
