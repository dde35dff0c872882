package io.warmpath.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Identifiers: a prefix and 26 lower-case base32 characters (128 bits), random or derived. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final Pattern BODY = Pattern.compile("[a-z2-7]{26}");
    private static final int ID_BYTES = 16;

    private Ids() {
    }

    /** A fresh random id such as {@code ses_...}. */
    public static String random(String prefix) {
        byte[] bytes = new byte[ID_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + base32(bytes);
    }

    /** The same id for the same parts: a prefix and the base32 of the first 128 bits of their SHA-256. */
    public static String derived(String prefix, String... parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            digest.update((part.length() + ":" + part).getBytes(StandardCharsets.UTF_8));
        }
        byte[] hash = digest.digest();
        byte[] head = new byte[ID_BYTES];
        System.arraycopy(hash, 0, head, 0, ID_BYTES);
        return prefix + base32(head);
    }

    /** Whether the value is an id with this prefix; anything else is not worth a Redis lookup. */
    public static boolean isValid(String prefix, String value) {
        return value != null && value.startsWith(prefix) && BODY.matcher(value).region(prefix.length(),
                value.length()).matches();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
