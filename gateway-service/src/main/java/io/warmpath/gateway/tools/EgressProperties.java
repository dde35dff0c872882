package io.warmpath.gateway.tools;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the gateway may send tool calls ({@code warmpath.gateway.egress.*}).
 *
 * @param allow          the allowlist; empty (the default) refuses every call
 * @param connectTimeout how long a connection to a tool may take to open
 */
@ConfigurationProperties("warmpath.gateway.egress")
record EgressProperties(@DefaultValue List<Allow> allow, @DefaultValue("2s") Duration connectTimeout) {

    /**
     * One allowlist entry.
     *
     * @param origin       {@code scheme://host[:port]}; the port defaults to the scheme's. Hosts match exactly (no
     *                     wildcards, case-insensitive); IP literals match by address
     * @param allowPrivate also let this exact origin reach loopback, private and link-local addresses (never
     *                     metadata, unspecified, multicast or reserved ones)
     */
    record Allow(String origin, @DefaultValue("false") boolean allowPrivate) {
    }
}
