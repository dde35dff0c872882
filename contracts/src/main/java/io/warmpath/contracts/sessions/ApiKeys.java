package io.warmpath.contracts.sessions;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.warmpath.contracts.Ids;

/**
 * The shape of an API key: {@code wpk_} and 43 base64url characters (256 random bits). Only its SHA-256 is ever
 * stored or sent between services ({@link #hash}); the key itself is shown once, when it is created. A key's
 * {@linkplain #prefix prefix} names it in listings.
 */
public final class ApiKeys {

    public static final String PREFIX = "wpk_";

    private static final Pattern SHAPE = Pattern.compile("wpk_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PREFIX_LENGTH = PREFIX.length() + 8;

    private ApiKeys() {
    }

    /** A new key. */
    public static String newKey() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** Whether a bearer credential is meant as an API key (rather than a JWT); it may still be malformed. */
    public static boolean looksLikeKey(String credential) {
        return credential.startsWith(PREFIX);
    }

    /** Whether {@code key} has the shape of a key this service issues. */
    public static boolean isWellFormed(String key) {
        return SHAPE.matcher(key).matches();
    }

    /** The lower-case hex SHA-256 of a key: what is stored and looked up. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(Ids.sha256().digest(key.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The first characters of a key ({@code wpk_AbCd1234}): enough to recognise it, too few to use it. */
    public static String prefix(String key) {
        return key.substring(0, PREFIX_LENGTH);
    }
}
