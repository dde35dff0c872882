package io.warmpath.cli.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a dev token says. Start from {@link #devDefaults()} and change fields with the {@code with*} methods.
 *
 * <p>A {@code null} string field (issuer, audience, subject, tenant, region, clearance) and an empty list (scopes,
 * roles) leave that claim out, which is how negative tests get e.g. a token without a tenant. A negative
 * {@code ttl} gives a token that has already expired.
 *
 * @param issuer      claim {@code iss}
 * @param audience    claim {@code aud}
 * @param subject     claim {@code sub}
 * @param tenant      claim {@code tenant}
 * @param scopes      claim {@code scope}, space separated
 * @param ttl         {@code exp} minus {@code iat}
 * @param roles       claim {@code roles}, a JSON array of strings
 * @param region      claim {@code region}
 * @param clearance   claim {@code clearance} (the highest data class the caller may touch)
 * @param issuedAt    claim {@code iat}; {@code null} means the moment of minting
 * @param extraClaims further claims, set last (they may override any of the above)
 */
public record TokenSpec(String issuer, String audience, String subject, String tenant, List<String> scopes,
                        Duration ttl, List<String> roles, String region, String clearance, Instant issuedAt,
                        Map<String, Object> extraClaims) {

    public static final String DEV_ISSUER = "warmpath-dev";
    public static final String DEV_AUDIENCE = "warmpath";
    public static final String DEFAULT_SUBJECT = "dev-user";
    public static final String DEFAULT_TENANT = "dev";
    public static final String DEFAULT_SCOPE = "inference:invoke";
    public static final long DEFAULT_TTL_SECONDS = 3600;
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(DEFAULT_TTL_SECONDS);

    public TokenSpec {
        scopes = List.copyOf(scopes);
        roles = List.copyOf(roles);
        Objects.requireNonNull(ttl, "ttl");
        // LinkedHashMap (not Map.copyOf): keeps the caller's order and lets a test set a claim to null.
        extraClaims = Collections.unmodifiableMap(new LinkedHashMap<>(extraClaims));
    }

    /** iss warmpath-dev, aud warmpath, sub dev-user, tenant dev, scope inference:invoke, one hour. */
    public static TokenSpec devDefaults() {
        return new TokenSpec(DEV_ISSUER, DEV_AUDIENCE, DEFAULT_SUBJECT, DEFAULT_TENANT, List.of(DEFAULT_SCOPE),
                DEFAULT_TTL, List.of(), null, null, null, Map.of());
    }

    public TokenSpec withIssuer(String issuer) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withAudience(String audience) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withSubject(String subject) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withTenant(String tenant) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withScopes(List<String> scopes) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withScopes(String... scopes) {
        return withScopes(List.of(scopes));
    }

    public TokenSpec withTtl(Duration ttl) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withRoles(List<String> roles) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withRegion(String region) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withClearance(String clearance) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    public TokenSpec withIssuedAt(Instant issuedAt) {
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                extraClaims);
    }

    /** Adds (or replaces) one further claim. */
    public TokenSpec withClaim(String name, Object value) {
        Map<String, Object> claims = new LinkedHashMap<>(extraClaims);
        claims.put(name, value);
        return new TokenSpec(issuer, audience, subject, tenant, scopes, ttl, roles, region, clearance, issuedAt,
                claims);
    }
}
