package io.warmpath.gateway.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One caller's {@code Idempotency-Key} (a tenant's API key, or a token's subject: no other caller of the tenant can
 * replay it), and what is derived from it: the Redis key of its record, the fingerprint of a request (an HMAC, so a
 * record reveals nothing of the request it fingerprints), and the AES-GCM key that seals the kept response. Redis alone
 * therefore holds no response (which may carry a session's affinity token or model output) in the clear: opening one
 * takes the client's key, and the gateways' shared secret when one is configured.
 */
final class KeyScope {

    private static final String REDIS_PREFIX = "wp:idem:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] NO_SECRET = "warmpath-idempotency-no-secret".getBytes(StandardCharsets.UTF_8);

    private final String redisKey;
    private final SecretKeySpec fingerprintKey;
    private final SecretKeySpec sealingKey;

    private KeyScope(String redisKey, byte[] fingerprintKey, byte[] sealingKey) {
        this.redisKey = redisKey;
        this.fingerprintKey = new SecretKeySpec(fingerprintKey, "HmacSHA256");
        this.sealingKey = new SecretKeySpec(sealingKey, "AES");
    }

    /**
     * @param caller the tenant and who within it (an API key's id, else the token's subject): a key is its caller's
     * @param secret the gateways' shared secret mixed into every derivation (empty for none)
     */
    static KeyScope of(String caller, IdempotencyKey key, byte[] secret) {
        return new KeyScope(REDIS_PREFIX + BASE64.encodeToString(derive("record", caller, key, secret)),
                derive("fingerprint", caller, key, secret), derive("seal", caller, key, secret));
    }

    String redisKey() {
        return redisKey;
    }

    /** The request's fingerprint: its method, path, the headers that change what it does, and its body. */
    String fingerprint(String method, String path, Iterable<String> meaningfulHeaders, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            field(mac, method);
            field(mac, path);
            for (String header : meaningfulHeaders) {
                field(mac, header);
            }
            mac.update(body);
            return BASE64.encodeToString(mac.doFinal());
        }
        catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("HmacSHA256 is unavailable", unavailable);
        }
    }

    String seal(byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain);
            return BASE64.encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        }
        catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("AES/GCM is unavailable", unavailable);
        }
    }

    /** @throws GeneralSecurityException when the sealed bytes were not sealed with this key (or were altered) */
    byte[] open(String sealed) throws GeneralSecurityException {
        byte[] bytes = Base64.getUrlDecoder().decode(sealed);
        if (bytes.length < NONCE_BYTES) {
            throw new GeneralSecurityException("too short to be sealed");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, sealingKey, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
        return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
    }

    /** HMAC-SHA256 under the secret (SHA-256 without one) of length-prefixed fields. */
    private static byte[] derive(String purpose, String caller, IdempotencyKey key, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // A key of zero bytes is not allowed; without a secret, a fixed one makes this a plain keyed hash.
            mac.init(new SecretKeySpec(secret.length == 0 ? NO_SECRET : secret, "HmacSHA256"));
            for (String part : new String[] {"warmpath-idempotency-v1", purpose, caller, key.value()}) {
                field(mac, part);
            }
            return mac.doFinal();
        }
        catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("HmacSHA256 is unavailable", unavailable);
        }
    }

    /** Length-prefixed, so that no two different field lists hash alike. */
    private static void field(Mac mac, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        mac.update(bytes);
    }
}
