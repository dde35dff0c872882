package io.warmpath.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds routing keys. A session key is scoped by tenant, so the same affinity value sent by two tenants is two
 * keys. Without a session, a tenant's requests that share a prompt skeleton (model, system messages, tools) share a
 * key, and so the cell that holds that skeleton's prefix in cache.
 */
public final class RoutingKeys {

    private RoutingKeys() {
    }

    /** The key of a session: tenant and the client's affinity value, unambiguous for any characters in either. */
    public static String session(String tenant, String affinity) {
        return "s:" + tenant.length() + ':' + tenant + ':' + affinity;
    }

    /**
     * The key of a prompt skeleton within a tenant. Parts are length-prefixed before hashing so that no two different
     * skeletons produce the same input; callers pass canonical text (for tools, canonical JSON) so that equal
     * skeletons are equal strings. The tenant is part of the key so that tenants never share a cell's prefix cache
     * through it: a cache hit's shorter time to first token would tell one tenant another's prompt.
     *
     * @param tenant         the caller's tenant
     * @param model          the requested model
     * @param systemMessages the text of the system (and developer) messages, in order
     * @param tools          the canonical JSON of each tool definition, in order
     * @return {@code k:} followed by 128 bits of SHA-256 in hex
     */
    public static String skeleton(String tenant, String model, List<String> systemMessages, List<String> tools) {
        MessageDigest digest = sha256();
        update(digest, tenant);
        update(digest, model);
        digest.update((byte) 'S');
        for (String system : systemMessages) {
            update(digest, system);
        }
        digest.update((byte) 'T');
        for (String tool : tools) {
            update(digest, tool);
        }
        byte[] hash = digest.digest();
        return "k:" + HexFormat.of().formatHex(hash, 0, 16);
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length;
        digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
