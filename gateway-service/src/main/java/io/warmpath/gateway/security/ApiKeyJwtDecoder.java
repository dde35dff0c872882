package io.warmpath.gateway.security;

import java.time.Duration;
import java.time.Instant;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.ApiKeys;
import io.warmpath.contracts.sessions.RateLimits;
import io.warmpath.contracts.sessions.ResolvedKey;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Bearer credentials of both kinds: a JWT goes to the configured decoder (signature, issuer, audience, expiry,
 * tenant); an API key ({@code wpk_...}) is looked up ({@link ApiKeyResolver}) and stands for a token with the key's
 * claims, so that everything after authentication (scopes, the caller, its assertions) treats both alike. An unknown,
 * revoked or expired key is a 401 like a bad token; a key that cannot be checked now is a 503.
 */
final class ApiKeyJwtDecoder implements ReactiveJwtDecoder {

    /** The lifetime of the token a key stands for, when the key itself does not expire sooner. */
    private static final Duration KEY_TOKEN_LIFETIME = Duration.ofHours(1);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final String NONE = "none";
    private static final String KEY_TYPE = "wpk";
    private static final String SUBJECT_PREFIX = "key:";
    /** The key's rate limits, as the object itself: never serialised, the token lives only in this process. */
    private static final String LIMITS_CLAIM = "warmpath_key_limits";

    private final ReactiveJwtDecoder jwts;
    private final ApiKeyResolver keys;

    ApiKeyJwtDecoder(ReactiveJwtDecoder jwts, ApiKeyResolver keys) {
        this.jwts = jwts;
        this.keys = keys;
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        if (!ApiKeys.looksLikeKey(token)) {
            return jwts.decode(token);
        }
        if (!ApiKeys.isWellFormed(token)) {
            return Mono.error(new BadJwtException("The API key is malformed."));
        }
        return keys.resolve(ApiKeys.hash(token))
                // Not the caller's fault, and the key may well be good: fail closed with a 503 to retry. (Spring Security
                // wraps this in an AuthenticationServiceException, which the gateway's error handler unwraps.)
                .onErrorMap(unavailable -> new ApiErrorException(ApiError.retryable(
                        ErrorCode.SESSION_SERVICE_UNAVAILABLE, "API keys cannot be checked right now.", RETRY_AFTER)))
                .flatMap(found -> found.map(key -> Mono.just(tokenOf(token, key)))
                        .orElseGet(() -> Mono.error(new BadJwtException("The API key is unknown, revoked or expired."))));
    }

    /**
     * The key a token this decoder made stands for; {@code null} for a JWT. Only this decoder makes tokens signed
     * with "none" (Spring Security's JWT decoders refuse them), so a JWT cannot pass for a key.
     */
    static Caller.@Nullable ApiKey apiKeyOf(Jwt token) {
        if (!NONE.equals(token.getHeaders().get("alg")) || !KEY_TYPE.equals(token.getHeaders().get("typ"))
                || !(token.getClaims().get(LIMITS_CLAIM) instanceof RateLimits limits)) {
            return null;
        }
        return new Caller.ApiKey(token.getSubject().substring(SUBJECT_PREFIX.length()), limits);
    }

    private static Jwt tokenOf(String token, ResolvedKey key) {
        Instant now = Instant.now();
        Instant expires = now.plus(KEY_TOKEN_LIFETIME);
        if (key.expiresAt() != null && key.expiresAt().isBefore(expires)) {
            expires = key.expiresAt();
        }
        Jwt.Builder jwt = Jwt.withTokenValue(token)
                .header("alg", NONE)
                .header("typ", KEY_TYPE)
                .subject(SUBJECT_PREFIX + key.keyId())
                .claim(LIMITS_CLAIM, key.limits())
                .claim(Tenants.CLAIM, key.tenant())
                .claim("scope", String.join(" ", key.scopes()))
                .issuedAt(now)
                .expiresAt(expires);
        if (!key.roles().isEmpty()) {
            jwt.claim("roles", key.roles());
        }
        if (key.region() != null) {
            jwt.claim("region", key.region());
        }
        if (key.clearance() != null) {
            jwt.claim("clearance", key.clearance());
        }
        return jwt.build();
    }
}
