package io.warmpath.assertion;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security every servlet service behind the gateway shares: a stateless Spring Security resource server that
 * accepts only internal assertions, answers 401 (no or a bad assertion) and 403 (one without what the endpoint needs)
 * as OpenAI error JSON, and lets only the actuator endpoints (served on the management port, which is not published)
 * through without one. A service adds its own rules for its endpoints; everything else needs an assertion. A reactive
 * service applies the same rules with {@link AssertionWebFilter}.
 */
public final class AssertionSecurity {

    static final String UNAUTHENTICATED_MESSAGE = "A valid internal assertion (Authorization: Bearer) is required.";
    static final String FORBIDDEN_MESSAGE = "The internal assertion does not allow this call.";

    private AssertionSecurity() {
    }

    /** The filter chain of a servlet service: {@code rules} first, then any other request needs an assertion. */
    public static SecurityFilterChain servlet(HttpSecurity http, JwtDecoder decoder, JsonMapper json,
            Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry> rules)
            throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, failure) -> write(response,
                HttpStatus.UNAUTHORIZED, ApiError.of(ErrorCode.INVALID_TOKEN, UNAUTHENTICATED_MESSAGE), json);
        AccessDeniedHandler forbidden = (request, response, denied) -> write(response, HttpStatus.FORBIDDEN,
                ApiError.of(ErrorCode.INSUFFICIENT_SCOPE, FORBIDDEN_MESSAGE), json);
        return http
                .authorizeHttpRequests(authorize -> {
                    authorize.requestMatchers(EndpointRequest.toAnyEndpoint()).permitAll();
                    rules.customize(authorize);
                    authorize.anyRequest().authenticated();
                })
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(new AssertionAuthenticationConverter()))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .build();
    }

    private static void write(HttpServletResponse response, HttpStatus status, ApiError error, JsonMapper json)
            throws java.io.IOException {
        byte[] body = json.writeValueAsBytes(error.body());
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, AssertionWebFilter.CHALLENGE);
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
