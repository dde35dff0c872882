package io.warmpath.session.keys;

import java.util.regex.Pattern;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.KeyResolveRequest;
import io.warmpath.contracts.sessions.ResolvedKey;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/keys/resolve}: the gateway asks who a presented API key acts for, by the key's hash, with its
 * own assertion and the scope {@value #RESOLVE_SCOPE} (no tenant yet: the key names it). 404 for a key that was never
 * issued, was revoked or has expired.
 */
@RestController
class KeyResolveController {

    /** The scope of the gateway's assertion for resolving keys; no caller's token or key carries it. */
    static final String RESOLVE_SCOPE = "keys:resolve";

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final ApiKeyStore keys;

    KeyResolveController(ApiKeyStore keys) {
        this.keys = keys;
    }

    @PostMapping("/internal/keys/resolve")
    ResolvedKey resolve(@RequestBody @Nullable KeyResolveRequest request) {
        if (request == null || request.keyHash() == null || !HASH.matcher(request.keyHash()).matches()) {
            throw new ApiErrorException(ApiError.invalidField("key_hash", "must be 64 lower-case hex characters"));
        }
        StoredKey key = keys.findByHash(request.keyHash()).orElseThrow(() -> new ApiErrorException(
                ApiError.of(ErrorCode.NOT_FOUND, "No live key has that hash.")));
        return new ResolvedKey(key.id(), key.tenant(), key.scopes(), key.roles(), key.region(), key.clearance(),
                key.expiresAt(), key.limits());
    }
}
