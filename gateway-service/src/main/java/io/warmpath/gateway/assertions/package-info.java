/**
 * The gateway as the issuer of internal assertions: it signs, per caller, request facts and audience, what every
 * service behind it may believe about a request (who, which data, which session), and publishes the public keys at
 * {@code /.well-known/jwks.json}.
 */
@NullMarked
package io.warmpath.gateway.assertions;

import org.jspecify.annotations.NullMarked;
