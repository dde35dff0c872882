/**
 * Who may call the gateway: OAuth2 resource server with RS256 JWTs (key source from Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}), issuer and audience checks, a required {@code tenant} claim,
 * scope {@code inference:invoke} on the inference routes and {@code sessions:write} (or, to read, {@code inference:invoke})
 * on {@code /v1/sessions}, {@code tools:<name>} on {@code POST /v1/tools/<name>/invoke}, 401/403 answers as OpenAI
 * error JSON, the {@link io.warmpath.gateway.security.Caller} each request acts for, and the removal of every
 * {@code x-warmpath-*} header a client sends.
 */
@NullMarked
package io.warmpath.gateway.security;

import org.jspecify.annotations.NullMarked;
