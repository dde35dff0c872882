package io.warmpath.assertion;

import java.net.URL;
import java.time.Clock;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.firewall.HttpFirewall;

/**
 * Verification of internal assertions for a service that sets {@code warmpath.assertion.audience}: the
 * {@link AssertionJwtDecoder}, which also keeps Boot from configuring a password login for a servlet service. The
 * service's own security configuration applies {@link AssertionSecurity} (servlet) or {@link AssertionWebFilter}
 * (reactive) with it.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration"})
@ConditionalOnProperty(prefix = "warmpath.assertion", name = "audience")
@EnableConfigurationProperties(AssertionProperties.class)
public class AssertionAutoConfiguration {

    @Bean
    AssertionJwtDecoder assertionJwtDecoder(AssertionProperties properties) {
        URL keys;
        if (properties.jwkSetUri() != null) {
            keys = AssertionKeys.urlOf(properties.jwkSetUri());
        }
        else if (properties.jwkSetLocation() != null) {
            keys = AssertionKeys.urlOf(properties.jwkSetLocation());
        }
        else {
            throw new IllegalStateException("Internal assertions cannot be verified without keys: set "
                    + "warmpath.assertion.jwk-set-location (a mounted JWK set) or warmpath.assertion.jwk-set-uri "
                    + "(the gateway's /.well-known/jwks.json)");
        }
        return new AssertionJwtDecoder(AssertionKeys.keySet(keys, properties.keySetRefresh()), properties.issuer(),
                properties.audience(), properties.clockSkew(), properties.maxCacheAge(), Clock.systemUTC(),
                Ticker.systemTicker());
    }

    /** The first requests must not meet the signature code cold: see {@link AssertionWarmUp}. */
    @Bean
    AssertionWarmUp assertionWarmUp() {
        return new AssertionWarmUp(300, Duration.ofSeconds(3));
    }

    /**
     * No Spring Security observations at all: with an observation registry present, Spring Security wraps each of
     * its filters in an observation, whatever the {@code management.observations.enable} predicates say, and that
     * wrapping cost more per request than the checks themselves. The HTTP server timers stay.
     */
    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's firewall with its header rule checked without regular expressions: {@link HeaderCharacters}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    HttpFirewall httpFirewall() {
        return HeaderCharacters.servletFirewall();
    }
}
