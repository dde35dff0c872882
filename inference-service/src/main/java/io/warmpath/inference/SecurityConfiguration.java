package io.warmpath.inference;

import io.warmpath.assertion.AssertionAuthentication;
import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.assertion.AssertionSecurity;
import io.warmpath.contracts.cells.CellStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cell serves only the gateway: every request needs its internal assertion for {@code inference-service}.
 * Completions and models need one that acts for a tenant; {@code /cell/status} one with the scope
 * {@value #STATUS_SCOPE} (the gateway's prober). {@code x-warmpath-*} headers on a request mean something only once
 * its assertion is verified.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    /** The scope of the gateway's own assertion for reading a cell's status. */
    static final String STATUS_SCOPE = "cells:status";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, AssertionJwtDecoder assertions,
            JsonMapper json) {
        return AssertionSecurity.reactive(http, assertions, json, rules -> rules
                .pathMatchers(CellStatus.PATH).hasAuthority("SCOPE_" + STATUS_SCOPE)
                .pathMatchers("/v1/**").access(actsForATenant()));
    }

    private static ReactiveAuthorizationManager<AuthorizationContext> actsForATenant() {
        return (authentication, context) -> authentication
                .<AuthorizationResult>map(caller -> new AuthorizationDecision(
                        caller instanceof AssertionAuthentication assertion && assertion.assertion().tenant() != null))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }
}
