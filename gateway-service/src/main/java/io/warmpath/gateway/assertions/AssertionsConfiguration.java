package io.warmpath.gateway.assertions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.warmpath.assertion.AssertionIssuer;
import io.warmpath.assertion.AssertionKeys;
import io.warmpath.assertion.AssertionWarmUp;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The gateway signs internal assertions with the key at {@code warmpath.gateway.assertions.signing-key-location}
 * (failing to start without one) and publishes the public keys services verify them with.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayAssertionProperties.class)
class AssertionsConfiguration {

    /** Where services fetch the verification keys when they do not mount them. */
    static final String JWKS_PATH = "/.well-known/jwks.json";

    @Bean
    AssertionIssuer assertionIssuer(GatewayAssertionProperties properties) {
        if (properties.signingKeyLocation() == null) {
            throw new IllegalStateException("The gateway needs a key to sign internal assertions with: set "
                    + "warmpath.gateway.assertions.signing-key-location (a private EC P-256 JWK; "
                    + "warmpath-cli keys makes a development one)");
        }
        return AssertionIssuer.create(AssertionKeys.signingKey(properties.signingKeyLocation()), properties.issuer(),
                properties.lifetime(), properties.reuse());
    }

    /** Every new caller and session costs a signature: the first of them must not meet the signing code cold. */
    @Bean
    AssertionWarmUp assertionWarmUp() {
        return new AssertionWarmUp(300, Duration.ofSeconds(3));
    }

    @Bean
    GatewayAssertions gatewayAssertions(AssertionIssuer issuer) {
        return new GatewayAssertions(issuer);
    }

    /** {@code GET /.well-known/jwks.json}: public keys only, the signing key's and any published for a rollover. */
    @Bean
    RouterFunction<ServerResponse> assertionKeys(AssertionIssuer issuer, GatewayAssertionProperties properties) {
        List<JWK> keys = new ArrayList<>(issuer.publicKeys().getKeys());
        if (properties.publishedKeys() != null) {
            publicKeysIn(properties.publishedKeys()).stream()
                    .filter(key -> keys.stream().noneMatch(known -> known.getKeyID().equals(key.getKeyID())))
                    .forEach(keys::add);
        }
        String body = new JWKSet(keys).toString(true);
        return RouterFunctions.route()
                .GET(JWKS_PATH, request -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(CacheControl.noCache())
                        .bodyValue(body))
                .build();
    }

    private static List<JWK> publicKeysIn(Resource location) {
        try (InputStream in = location.getInputStream()) {
            return JWKSet.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).toPublicJWKSet().getKeys();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the published assertion keys at " + location.getDescription(),
                    e);
        }
        catch (ParseException e) {
            throw new IllegalStateException("The published assertion keys at " + location.getDescription()
                    + " are not a JWK set: " + e.getMessage(), e);
        }
    }
}
