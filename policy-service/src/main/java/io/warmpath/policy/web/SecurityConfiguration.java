package io.warmpath.policy.web;

import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.assertion.AssertionSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every decision needs the gateway's internal assertion for {@code policy-service}; {@code DecisionController}
 * answers only questions about the assertion's own tenant.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AssertionJwtDecoder assertions, JsonMapper json)
            throws Exception {
        return AssertionSecurity.servlet(http, assertions, json, rules -> {
        });
    }
}
