package io.warmpath.assertion;

import java.nio.charset.StandardCharsets;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security every service behind the gateway shares: a stateless resource server that accepts only internal
 * assertions, answers 401 (no or a bad assertion) and 403 (one without what the endpoint needs) as OpenAI error
 * JSON, and lets only the actuator endpoints (served on the management port, which is not published) through
 * without one. A service adds its own rules for its endpoints; everything else needs an assertion.
 */
public final class AssertionSecurity {

    static final String UNAUTHENTICATED_MESSAGE = "A valid internal assertion (Authorization: Bearer) is required.";
    static final String FORBIDDEN_MESSAGE = "The internal assertion does not allow this call.";
    private static final String CHALLENGE = "Bearer error=\"invalid_token\"";

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
                    authorize.requestMatchers(
                            org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest
                                    .toAnyEndpoint()).permitAll();
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

    /** The filter chain of a reactive service: {@code rules} first, then any other exchange needs an assertion. */
    public static SecurityWebFilterChain reactive(ServerHttpSecurity http, AssertionJwtDecoder decoder,
            JsonMapper json, Customizer<ServerHttpSecurity.AuthorizeExchangeSpec> rules) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, failure) -> write(exchange.getResponse(),
                HttpStatus.UNAUTHORIZED, ApiError.of(ErrorCode.INVALID_TOKEN, UNAUTHENTICATED_MESSAGE), json);
        ServerAccessDeniedHandler forbidden = (exchange, denied) -> write(exchange.getResponse(),
                HttpStatus.FORBIDDEN, ApiError.of(ErrorCode.INSUFFICIENT_SCOPE, FORBIDDEN_MESSAGE), json);
        return http
                .authorizeExchange(exchanges -> {
                    exchanges.matchers(EndpointRequest.toAnyEndpoint()).permitAll();
                    rules.customize(exchanges);
                    exchanges.anyExchange().authenticated();
                })
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtDecoder(decoder.reactive())
                                .jwtAuthenticationConverter(new AssertionAuthenticationConverter().reactive()))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.disable())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .build();
    }

    private static void write(HttpServletResponse response, HttpStatus status, ApiError error, JsonMapper json)
            throws java.io.IOException {
        byte[] body = json.writeValueAsBytes(error.body());
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, ApiError error, JsonMapper json) {
        byte[] body = json.writeValueAsBytes(error.body());
        response.setStatusCode(status);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** The bytes of an error body, for tests. */
    static String bodyOf(ApiError error, JsonMapper json) {
        return new String(json.writeValueAsBytes(error.body()), StandardCharsets.UTF_8);
    }
}
