/**
 * API keys: long-lived credentials per tenant ({@code wpk_...}) with scopes, roles, region and clearance like a JWT's,
 * created, listed and revoked at {@code /v1/keys} and resolved for the gateway at {@code /internal/keys/resolve}.
 * Only their SHA-256 is stored.
 */
@NullMarked
package io.warmpath.session.keys;

import org.jspecify.annotations.NullMarked;
