package io.warmpath.session.web;

import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.assertion.AssertionSecurity;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.session.warmup.WarmUpAssertions;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every call needs the gateway's internal assertion for {@code session-service}. The public session API checks the
 * caller's scopes again, as the gateway did: reading a session takes {@code sessions:write} or
 * {@code inference:invoke}, changing one {@code sessions:write}; API keys are managed with {@code keys:admin} and
 * resolved only with the gateway's {@code keys:resolve}. The internal API takes any assertion with a tenant;
 * its handlers check that a turn's assertion is about the session it names. While the service warms itself up
 * before readiness it also accepts the assertions it signs for that ({@link WarmUpAssertions}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String SESSIONS_WRITE = "SCOPE_sessions:write";
    static final String INFERENCE_INVOKE = "SCOPE_inference:invoke";
    static final String KEYS_ADMIN = "SCOPE_keys:admin";
    static final String KEYS_RESOLVE = "SCOPE_keys:resolve";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AssertionJwtDecoder assertions,
            WarmUpAssertions warmUp, JsonMapper json) throws Exception {
        return AssertionSecurity.servlet(http, warmUp.around(assertions), json, rules -> rules
                // The container's forward to the error page after a failure outside a handler: it renders the error
                // (ErrorEndpoint) and serves nothing else; checking it again would turn a 400 into a 401.
                .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                // Resolving an API key is the gateway's alone; managing keys, a tenant's key administrators'.
                .requestMatchers("/internal/keys/**").hasAuthority(KEYS_RESOLVE)
                .requestMatchers("/v1/keys", "/v1/keys/**").hasAuthority(KEYS_ADMIN)
                .requestMatchers(HttpMethod.GET, "/v1/sessions/**").hasAnyAuthority(SESSIONS_WRITE, INFERENCE_INVOKE)
                .requestMatchers("/v1/sessions", "/v1/sessions/**").hasAuthority(SESSIONS_WRITE));
    }

    /**
     * A URL the security firewall refuses (a double or encoded slash, a path parameter, an encoded dot segment) is a
     * 400 in OpenAI error JSON, before any authentication: by default it would be sent to the error page as a
     * request no one authenticated, and answered 401.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
        return (request, response, rejected) -> ApiErrorHandler.write(response, ApiError.of(ErrorCode.INVALID_REQUEST,
                "The request URL is not allowed (double or encoded slashes, path parameters and encoded dots are "
                        + "refused)."), HttpStatus.BAD_REQUEST.value(), json);
    }
}
