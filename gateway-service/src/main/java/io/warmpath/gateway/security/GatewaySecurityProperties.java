package io.warmpath.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Token checks beyond the signature ({@code warmpath.gateway.security.*}); the key source itself is Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param issuer   the required {@code iss}; blank disables the check
 * @param audience a value {@code aud} must contain; blank disables the check
 */
@ConfigurationProperties("warmpath.gateway.security")
record GatewaySecurityProperties(@DefaultValue("warmpath-dev") String issuer, @DefaultValue("warmpath") String audience) {
}
