package io.warmpath.inference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * One inference cell: an OpenAI-compatible front for exactly one vLLM-compatible engine.
 * Choosing a cell is choosing a prefix cache, which is why the gateway routes to cells, not engines.
 *
 * <p>Spring Security's reactive web auto-configuration is left out on purpose: the cell's security is one
 * {@link io.warmpath.assertion.AssertionWebFilter} ({@link SecurityConfiguration}), and without these Boot would add a
 * filter chain of its own, with a generated password.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration"})
@ConfigurationPropertiesScan
public class InferenceServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(InferenceServiceApplication.class, args);
    }
}
