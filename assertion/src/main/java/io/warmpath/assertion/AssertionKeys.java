package io.warmpath.assertion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import org.springframework.core.io.Resource;

/** Where assertion keys come from: the gateway's signing key from a JWK file, verifiers' key sets from a URL. */
public final class AssertionKeys {

    /** The least time between two fetches of the key set when a token names a key it does not hold. */
    private static final Duration UNKNOWN_KEY_REFETCH = Duration.ofSeconds(1);

    private AssertionKeys() {
    }

    /** The gateway's signing key: a private EC P-256 JWK with a {@code kid}, as {@code warmpath-cli keys} writes it. */
    public static ECKey signingKey(Resource location) {
        try (InputStream in = location.getInputStream()) {
            JWK jwk = JWK.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate()) {
                throw new IllegalStateException("The assertion signing key at " + location.getDescription()
                        + " is not a private EC key");
            }
            return ec;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the assertion signing key at " + location.getDescription(), e);
        }
        catch (ParseException e) {
            throw new IllegalStateException("The assertion signing key at " + location.getDescription()
                    + " is not a JWK: " + e.getMessage(), e);
        }
    }

    /**
     * A key set read from {@code location} (a mounted file, or the gateway's {@code /.well-known/jwks.json}): held for
     * {@code refresh} and fetched again ahead of expiry, and at once (at most once a second) when a token names a key
     * the set does not hold yet, so a key added during a rollover is picked up with its first token.
     */
    public static JWKSource<SecurityContext> keySet(URL location, Duration refresh) {
        String scheme = location.getProtocol();
        ResourceRetriever retriever = "http".equals(scheme) || "https".equals(scheme)
                ? new DefaultResourceRetriever(JWKSourceBuilder.DEFAULT_HTTP_CONNECT_TIMEOUT,
                        JWKSourceBuilder.DEFAULT_HTTP_READ_TIMEOUT, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT)
                // A mounted file, or a classpath resource (tests): read as it is.
                : url -> {
                    try (InputStream in = url.openStream()) {
                        return new com.nimbusds.jose.util.Resource(new String(in.readAllBytes(),
                                StandardCharsets.UTF_8), "application/json");
                    }
                };
        return JWKSourceBuilder.<SecurityContext>create(location, retriever)
                .cache(refresh.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .refreshAheadCache(true)
                .rateLimited(UNKNOWN_KEY_REFETCH.toMillis())
                .build();
    }

    /** The URL of a key set given as a Spring resource or a URI. */
    public static URL urlOf(Resource resource) {
        try {
            return resource.getURL();
        }
        catch (IOException e) {
            throw new IllegalStateException("The assertion key set location " + resource.getDescription()
                    + " has no URL", e);
        }
    }

    /** The URL of a key set given as a URI. */
    public static URL urlOf(URI uri) {
        try {
            return uri.toURL();
        }
        catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("The assertion key set URI " + uri + " is not a URL", e);
        }
    }
}
