package io.warmpath.inference.openai;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.inference.CellProperties.CacheSalt.Scope;
import io.warmpath.inference.CellProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code cache_salt} of an engine request. vLLM reuses a cached KV block only for requests with the same salt (the
 * salt is mixed into the hash of a prompt's first block, which every later block chains), and a prefix cache shared
 * across tenants is a timing side channel: a fast first token tells one tenant that another sent the same prefix.
 * So every completion carries a salt derived from who it acts for, whatever the client sent: lowercase hex of
 * HMAC-SHA256(secret, tenant), or of the tenant and the workflow, cut to {@value #LENGTH} characters (vLLM takes at
 * most 128 and none of {@code @ / \} or NUL; hex has none). The HMAC keeps salts unguessable without the secret and
 * tells nothing about the tenant to anyone who sees one.
 */
@Component
class CacheSalts {

    private static final Logger log = LoggerFactory.getLogger(CacheSalts.class);

    /** Hex characters kept: 128 bits, as many as the salts of different tenants will ever need to differ. */
    static final int LENGTH = 32;

    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final Scope scope;
    /** Salts already computed: a cell serves few tenants (and workflows) many times over. */
    private final Cache<List<String>, String> known = Caffeine.newBuilder().maximumSize(10_000).build();

    CacheSalts(CellProperties cell) {
        CellProperties.CacheSalt settings = cell.cacheSalt();
        this.key = key(secret(settings.secret()));
        this.scope = settings.scope();
    }

    /** The salt of a request this assertion acts for. */
    String saltFor(Assertion assertion) {
        String tenant = assertion.tenant() == null ? "" : assertion.tenant();
        String workflow = scope == Scope.TENANT || assertion.workflow() == null ? "" : assertion.workflow();
        return known.get(List.of(tenant, workflow), ignored -> salt(key, scope, tenant, workflow));
    }

    /**
     * @param tenant   {@code null} (the gateway's own calls) salts like the empty tenant, which no caller has
     * @param workflow only read with {@link Scope#TENANT_AND_WORKFLOW}; {@code null} is the same as empty
     */
    static String salt(SecretKeySpec key, Scope scope, @Nullable String tenant, @Nullable String workflow) {
        byte[] tenantBytes = (tenant == null ? "" : tenant).getBytes(StandardCharsets.UTF_8);
        byte[] message = switch (scope) {
            case TENANT -> tenantBytes;
            // Length-prefixed, so that no tenant and workflow pair reads as another.
            case TENANT_AND_WORKFLOW -> {
                byte[] workflowBytes = (workflow == null ? "" : workflow).getBytes(StandardCharsets.UTF_8);
                yield ByteBuffer.allocate(Integer.BYTES + tenantBytes.length + workflowBytes.length)
                        .putInt(tenantBytes.length).put(tenantBytes).put(workflowBytes).array();
            }
        };
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(message)).substring(0, LENGTH);
        }
        catch (GeneralSecurityException unavailable) {
            // Every Java runtime has HmacSHA256 and the key is never empty.
            throw new IllegalStateException("HmacSHA256 is not available", unavailable);
        }
    }

    static SecretKeySpec key(byte[] secret) {
        return new SecretKeySpec(secret, HMAC);
    }

    private static byte[] secret(@Nullable String configured) {
        if (configured != null && !configured.isEmpty()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        log.info("warmpath.cell.cache-salt.secret is not set: this process salts the engine's prefix cache with a "
                + "random secret of its own, so after a restart of this cell its engine's cached prompts are not "
                + "reused; set a fixed secret to keep them across restarts");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }
}
