package io.warmpath.artifacts.artifacts;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Artifact ids: {@code art_} and 26 base32 characters, 48 bits of creation time in milliseconds then 80 random bits
 * (as a ULID), so that listing keys in order lists artifacts in the order they were stored.
 */
final class ArtifactIds {

    static final String PREFIX = "art_";
    private static final Pattern ID = Pattern.compile("art_[0-9a-hjkmnp-tv-z]{26}");
    // Crockford's base32: sorts as the numbers it encodes.
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ArtifactIds() {
    }

    static String next(Instant now) {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        long millis = now.toEpochMilli();
        for (int i = 5; i >= 0; i--) {
            bits[i] = (byte) millis;
            millis >>>= 8;
        }
        StringBuilder id = new StringBuilder(PREFIX);
        // 128 bits as 26 characters: the first carries the top 3 bits.
        BigInteger value = new BigInteger(1, bits);
        for (int i = 25; i >= 0; i--) {
            id.append(ALPHABET[value.shiftRight(i * 5).intValue() & 31]);
        }
        return id.toString();
    }

    /** Whether {@code value} has the shape of an artifact id; anything else is not looked up. */
    static boolean isValid(String value) {
        return ID.matcher(value).matches();
    }
}
