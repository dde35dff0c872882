package io.warmpath.session.sessions;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import io.warmpath.contracts.Ids;

/**
 * Affinity tokens: {@code wpt_} and 256 random bits in base64url (43 characters). Redis keeps only their SHA-256, so
 * a copy of the store cannot be replayed as tokens; implicit affinity values are hashed with their tenant the same
 * way, which both isolates tenants and keeps client-chosen strings out of Redis.
 */
final class AffinityTokens {

    static final String PREFIX = "wpt_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern TOKEN = Pattern.compile("wpt_[A-Za-z0-9_-]{43}");
    private static final int TOKEN_BYTES = 32;

    private AffinityTokens() {
    }

    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + BASE64URL.encodeToString(bytes);
    }

    /** Whether the affinity value is meant as a token (then it must resolve, or the answer is 404). */
    static boolean looksLikeToken(String affinity) {
        return affinity.startsWith(PREFIX);
    }

    /** Whether the value has a token's exact shape; anything else cannot be one, no lookup needed. */
    static boolean isWellFormed(String token) {
        return TOKEN.matcher(token).matches();
    }

    /** The key part under which the token's session is found. */
    static String hash(String token) {
        return BASE64URL.encodeToString(Ids.sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** The key part of a tenant's own keys (its open implicit sessions): no tenant name in a key. */
    static String tenantHash(String tenant) {
        return BASE64URL.encodeToString(Ids.sha256().digest(tenant.getBytes(StandardCharsets.UTF_8)));
    }

    /** The key part of a tenant's implicit session for an affinity value (length-prefixed: no ambiguity). */
    static String implicitHash(String tenant, String affinity) {
        String material = tenant.length() + ":" + tenant + affinity;
        return BASE64URL.encodeToString(Ids.sha256().digest(material.getBytes(StandardCharsets.UTF_8)));
    }
}
