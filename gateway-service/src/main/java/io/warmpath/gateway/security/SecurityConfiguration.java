package io.warmpath.gateway.security;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.warmpath.assertion.HeaderCharacters;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.tools.ToolScopes;
import io.warmpath.gateway.web.ErrorResponseWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;

/**
 * Bearer authentication for the gateway: API keys ({@code wpk_...}, {@link ApiKeyJwtDecoder}) and JWTs. Boot builds
 * the {@link ReactiveJwtDecoder} for JWTs from
 * {@code spring.security.oauth2.resourceserver.jwt.*} (issuer-uri, jwk-set-uri or public-key-location) and adds the
 * {@link OAuth2TokenValidator} beans declared here to its signature and expiry checks.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String INVOKE_AUTHORITY = "SCOPE_inference:invoke";
    static final String SESSIONS_WRITE_AUTHORITY = "SCOPE_sessions:write";
    static final String ARTIFACTS_READ_AUTHORITY = "SCOPE_artifacts:read";
    static final String ARTIFACTS_WRITE_AUTHORITY = "SCOPE_artifacts:write";
    static final String ARTIFACTS_ADMIN_AUTHORITY = "SCOPE_artifacts:admin";
    static final String AUDIT_READ_AUTHORITY = "SCOPE_audit:read";
    static final String KEYS_ADMIN_AUTHORITY = "SCOPE_keys:admin";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> decoder,
            ApiKeyResolver apiKeys, ErrorResponseWriter errorWriter) {
        if (decoder.getIfAvailable() == null) {
            throw new IllegalStateException("No JWT key source: set spring.security.oauth2.resourceserver.jwt."
                    + "public-key-location (the dev key), jwk-set-uri or issuer-uri");
        }
        BearerErrorResponses errors = new BearerErrorResponses(errorWriter);
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/prometheus")
                        .permitAll()
                        // The public keys of the internal assertions, for services that fetch rather than mount them.
                        .pathMatchers(HttpMethod.GET, "/.well-known/jwks.json").permitAll()
                        // The OpenAPI document describes the API; it holds nothing a caller must be trusted with.
                        .pathMatchers(HttpMethod.GET, "/openapi.yaml").permitAll()
                        .pathMatchers("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models",
                                "/v1/models/**")
                        .hasAuthority(INVOKE_AUTHORITY)
                        // Agents holding only inference:invoke may read their session (and its usage) but not
                        // create, close or rotate one.
                        .pathMatchers(HttpMethod.GET, "/v1/sessions", "/v1/sessions/**")
                        .hasAnyAuthority(SESSIONS_WRITE_AUTHORITY, INVOKE_AUTHORITY)
                        .pathMatchers("/v1/sessions", "/v1/sessions/**")
                        .hasAuthority(SESSIONS_WRITE_AUTHORITY)
                        .pathMatchers("/v1/keys", "/v1/keys/**")
                        .hasAuthority(KEYS_ADMIN_AUTHORITY)
                        .pathMatchers(HttpMethod.GET, "/v1/audit", "/v1/audit/*")
                        .hasAuthority(AUDIT_READ_AUTHORITY)
                        .pathMatchers("/v1/artifacts/*/legal-hold")
                        .hasAuthority(ARTIFACTS_ADMIN_AUTHORITY)
                        .pathMatchers(HttpMethod.GET, "/v1/artifacts", "/v1/artifacts/**")
                        .hasAuthority(ARTIFACTS_READ_AUTHORITY)
                        .pathMatchers(HttpMethod.HEAD, "/v1/artifacts", "/v1/artifacts/**")
                        .hasAuthority(ARTIFACTS_READ_AUTHORITY)
                        .pathMatchers("/v1/artifacts", "/v1/artifacts/**")
                        .hasAuthority(ARTIFACTS_WRITE_AUTHORITY)
                        // Each tool has its own scope, tools:<name>.
                        .pathMatchers(HttpMethod.POST, ToolScopes.INVOKE_PATH)
                        .access(ToolScopes.invokeAuthorization())
                        .anyExchange().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtDecoder(new ApiKeyJwtDecoder(decoder.getObject(), apiKeys)))
                        .authenticationEntryPoint(errors)
                        .accessDeniedHandler(errors))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                // A stateless API: no sessions, no CSRF tokens, no login pages.
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .build();
    }

    /**
     * Requests the firewall refuses before anything else sees them (an encoded slash, dot, percent or NUL in the path,
     * {@code //}, a path parameter, an odd method): 400 with a body that says so, where the default is an empty 400.
     */
    /**
     * No Spring Security observations: with an observation registry present, Spring Security wraps each of its
     * filters in one (several reactive operators per filter per request) whatever the
     * {@code management.observations.enable} predicates say. The gateway's own timers stay.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's firewall with its header rule checked without regular expressions. */
    @Bean
    ServerWebExchangeFirewall serverWebExchangeFirewall() {
        return HeaderCharacters.reactiveFirewall();
    }

    @Bean
    ServerExchangeRejectedHandler exchangeRejectedHandler(ErrorResponseWriter errorWriter) {
        return (exchange, rejected) -> errorWriter.write(exchange, ApiError.of(ErrorCode.INVALID_REQUEST,
                "The request URL is refused: it contains characters or segments the gateway does not accept."));
    }

    /** Every token must name a valid tenant: routing keys and budgets are scoped by it, and it travels as a header. */
    @Bean
    OAuth2TokenValidator<Jwt> tenantClaimValidator() {
        return new JwtClaimValidator<Object>(Tenants.CLAIM,
                tenant -> tenant instanceof String name && Tenants.isValid(name));
    }

    /**
     * A token without {@code exp} never expires: refused, whatever its issuer (Spring checks expiry only when the
     * claim is there).
     */
    @Bean
    OAuth2TokenValidator<Jwt> expiryRequired() {
        return new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull);
    }

    @Bean
    OAuth2TokenValidator<Jwt> issuerValidator(GatewaySecurityProperties security) {
        return security.issuer().isBlank() ? jwt -> ok() : new JwtIssuerValidator(security.issuer());
    }

    @Bean
    OAuth2TokenValidator<Jwt> audienceValidator(GatewaySecurityProperties security) {
        String audience = security.audience();
        return audience.isBlank() ? jwt -> ok()
                : new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience));
    }

    private static OAuth2TokenValidatorResult ok() {
        return OAuth2TokenValidatorResult.success();
    }
}
