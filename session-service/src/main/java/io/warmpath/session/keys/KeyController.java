package io.warmpath.session.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.RateLimits;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/keys} (scope {@code keys:admin}, routed here by the gateway): create a key of the caller's tenant (the key
 * is in that answer only), list the tenant's keys by prefix, revoke one. A key never has more than the caller that
 * creates it: scopes and roles the caller has, a clearance no higher, the caller's region when it has one.
 */
@RestController
@RequestMapping("/v1/keys")
class KeyController {

    /**
     * Scopes no key may carry: the gateway's own, and {@code keys:admin}, so that a key can never make another key
     * (which could outlive it): key administrators sign in with a JWT.
     */
    private static final List<String> NEVER_ON_A_KEY = List.of(KeyResolveController.RESOLVE_SCOPE,
            Assertion.TRANSCRIPT_SCOPE,
            Assertion.CHECKPOINT_SCOPE, "cells:status", "keys:admin");

    private final ApiKeyStore keys;
    private final Clock clock;

    KeyController(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** {@code POST /v1/keys}: the key is here and nowhere else, ever. */
    record CreatedKey(String id, String key, String prefix, String name, List<String> scopes, List<String> roles,
            @Nullable String region, @Nullable String clearance, Instant createdAt, @Nullable Instant expiresAt,
            RateLimits limits) {

        static CreatedKey of(ApiKeyStore.Created created) {
            StoredKey stored = created.stored();
            return new CreatedKey(stored.id(), created.key(), stored.prefix(), stored.name(), stored.scopes(),
                    stored.roles(), stored.region(), stored.clearance(), stored.createdAt(), stored.expiresAt(),
                    stored.limits());
        }
    }

    /** {@code GET /v1/keys}. */
    record KeyList(List<StoredKey> data) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    CreatedKey create(Tenant tenant, Assertion caller, @Valid @RequestBody CreateKeyRequest request) {
        List<String> scopes = Objects.requireNonNull(request.scopes()).stream().map(Objects::requireNonNull).distinct()
                .toList();
        List<String> roles = request.roles() == null ? List.of()
                : request.roles().stream().map(Objects::requireNonNull).distinct().toList();
        requireNoMoreThanTheCaller(caller, scopes, roles, request);
        Instant now = clock.instant();
        StoredKey template = new StoredKey("", tenant.id(), Objects.requireNonNull(request.name()).strip(), "", scopes,
                roles, request.region() != null ? request.region() : caller.homeRegion(),
                request.clearance() != null ? request.clearance() : caller.clearance(), now,
                request.expiresInDays() == null ? null : now.plus(Duration.ofDays(request.expiresInDays())),
                caller.subject(), request.limits() == null ? RateLimits.NONE : request.limits().toRateLimits());
        return keys.create(template).map(CreatedKey::of).orElseThrow(() -> new ApiErrorException(
                ApiError.of(ErrorCode.INVALID_REQUEST, "This tenant has " + ApiKeyStore.MAX_KEYS_PER_TENANT
                        + " keys already, the most it may have; revoke one first.")));
    }

    @GetMapping
    KeyList list(Tenant tenant) {
        return new KeyList(keys.list(tenant.id()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(Tenant tenant, @PathVariable String id) {
        if (!keys.revoke(tenant.id(), id)) {
            throw new ApiErrorException(ApiError.of(ErrorCode.NOT_FOUND, "No key " + id + "."));
        }
    }

    private static void requireNoMoreThanTheCaller(Assertion caller, List<String> scopes, List<String> roles,
            CreateKeyRequest request) {
        for (String scope : scopes) {
            if (NEVER_ON_A_KEY.contains(scope) || !caller.hasScope(scope)) {
                throw beyondCaller("scopes", "scope " + scope);
            }
        }
        for (String role : roles) {
            if (!caller.roles().contains(role)) {
                throw beyondCaller("roles", "role " + role);
            }
        }
        if (request.clearance() != null && rank(request.clearance()) > rank(caller.clearance())) {
            throw beyondCaller("clearance", "clearance " + request.clearance());
        }
        if (request.region() != null && caller.homeRegion() != null && !request.region().equals(caller.homeRegion())) {
            throw beyondCaller("region", "region " + request.region());
        }
    }

    /** A clearance's rank; none stated ranks as internal, the default class. */
    private static int rank(@Nullable String clearance) {
        return clearance == null ? DataClass.INTERNAL.ordinal() : DataClass.fromWire(clearance).ordinal();
    }

    private static ApiErrorException beyondCaller(String param, String what) {
        return new ApiErrorException(new ApiError(ErrorCode.INSUFFICIENT_SCOPE, "A key cannot have more than the "
                + "caller that creates it, and the caller has no " + what + ".", param, null));
    }
}
