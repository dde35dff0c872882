package io.warmpath.inference;

import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.assertion.AssertionWebFilter;
import io.warmpath.contracts.cells.CellStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cell serves only the gateway: every request needs its internal assertion for {@code inference-service}.
 * Completions and models need one that acts for a tenant; {@code /cell/status} one with the scope
 * {@value #STATUS_SCOPE} (the gateway's prober). {@code x-warmpath-*} headers on a request mean something only once
 * its assertion is verified. {@link AssertionWebFilter} checks all of it in one step, instead of Spring Security's
 * reactive filter chain, whose auto-configuration {@link InferenceServiceApplication} leaves out.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** The scope of the gateway's own assertion for reading a cell's status. */
    static final String STATUS_SCOPE = "cells:status";

    @Bean
    AssertionWebFilter assertionWebFilter(AssertionJwtDecoder assertions, JsonMapper json) {
        return AssertionWebFilter.builder(assertions, json)
                .require(CellStatus.PATH, assertion -> assertion.scopes().contains(STATUS_SCOPE))
                .require("/v1/**", assertion -> assertion.tenant() != null)
                .build();
    }
}
