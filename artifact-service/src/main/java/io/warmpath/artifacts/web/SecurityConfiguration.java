package io.warmpath.artifacts.web;

import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.assertion.AssertionSecurity;
import io.warmpath.contracts.assertion.Assertion;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every call needs the gateway's internal assertion for {@code artifact-service}, with {@code artifacts:read} to read
 * and {@code artifacts:write} to write, delete or presign, {@code artifacts:admin} to set or lift a legal hold: the
 * gateway checks the same scopes, and this service does not rely on it. A cell stores a recorded session's transcript
 * with an assertion that has only {@code artifacts:transcript}, and a checkpointing session's checkpoints with one
 * that has only {@code artifacts:checkpoint}: each may upload (the controller then holds it to that session's
 * transcript or checkpoints) and nothing else. {@code audit:read} lists and reads the tenant's policy audit records.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String READ = "SCOPE_artifacts:read";
    static final String WRITE = "SCOPE_artifacts:write";
    static final String ADMIN = "SCOPE_artifacts:admin";
    static final String TRANSCRIPT = "SCOPE_" + Assertion.TRANSCRIPT_SCOPE;
    static final String CHECKPOINT = "SCOPE_" + Assertion.CHECKPOINT_SCOPE;
    static final String AUDIT_READ = "SCOPE_audit:read";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AssertionJwtDecoder assertions, JsonMapper json)
            throws Exception {
        return AssertionSecurity.servlet(http, assertions, json, rules -> rules
                // A legal hold outranks the tenant's writers: setting or lifting one is an administrator's call.
                .requestMatchers("/v1/artifacts/*/legal-hold").hasAuthority(ADMIN)
                .requestMatchers(HttpMethod.GET, "/v1/artifacts", "/v1/artifacts/**").hasAuthority(READ)
                .requestMatchers(HttpMethod.HEAD, "/v1/artifacts", "/v1/artifacts/**").hasAuthority(READ)
                .requestMatchers(HttpMethod.GET, "/v1/audit", "/v1/audit/*").hasAuthority(AUDIT_READ)
                .requestMatchers(HttpMethod.PUT, "/v1/artifacts").hasAnyAuthority(WRITE, TRANSCRIPT, CHECKPOINT)
                .requestMatchers("/v1/artifacts", "/v1/artifacts/**").hasAuthority(WRITE));
    }
}
