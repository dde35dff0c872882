package io.warmpath.gateway.security;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Who a request acts for, from its token: session-service and the cells trust these values only because the gateway
 * derives them and strips whatever the client sent under the same names.
 *
 * @param tenant  the {@code tenant} claim
 * @param subject the {@code sub} claim; {@code null} when the token has none
 */
public record Caller(String tenant, @Nullable String subject) {

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
    }
}
