package io.warmpath.session.web;

import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.assertion.AssertionSecurity;
import io.warmpath.session.warmup.WarmUpAssertions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every call needs the gateway's internal assertion for {@code session-service}. The public session API checks the
 * caller's scopes again, as the gateway did: reading a session takes {@code sessions:write} or
 * {@code inference:invoke}, changing one {@code sessions:write}. The internal API takes any assertion with a tenant;
 * its handlers check that a turn's assertion is about the session it names. While the service warms itself up
 * before readiness it also accepts the assertions it signs for that ({@link WarmUpAssertions}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String SESSIONS_WRITE = "SCOPE_sessions:write";
    static final String INFERENCE_INVOKE = "SCOPE_inference:invoke";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AssertionJwtDecoder assertions,
            WarmUpAssertions warmUp, JsonMapper json) throws Exception {
        return AssertionSecurity.servlet(http, warmUp.around(assertions), json, rules -> rules
                .requestMatchers(HttpMethod.GET, "/v1/sessions/**").hasAnyAuthority(SESSIONS_WRITE, INFERENCE_INVOKE)
                .requestMatchers("/v1/sessions", "/v1/sessions/**").hasAuthority(SESSIONS_WRITE));
    }
}
