package io.warmpath.assertion;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security of a reactive service behind the gateway, in one filter: every request needs an internal assertion
 * for this service ({@code Authorization: Bearer}), verified by {@link AssertionJwtDecoder}; the first rule whose
 * path pattern matches decides what the assertion must allow, and a path no rule names needs only a valid one. No
 * assertion or a bad one is a 401 with {@code WWW-Authenticate}, one that does not allow the call a 403, both as
 * OpenAI error JSON. The caller reaches handlers as the exchange's principal, an {@link AssertionAuthentication}, and
 * in Spring Security's reactive context.
 *
 * <p>Why not Spring Security's reactive filter chain, which the servlet services use ({@link AssertionSecurity}):
 * it does the same with about ten filters of several Reactor operators each, and on a cell that cost more CPU per
 * completion than the cell's own work around the engine call (docs/benchmarks.md, "Before and after zero trust").
 * Nothing here answers a browser, so the chain's other duties (sessions, CSRF, response headers for browsers) have
 * nothing to do.
 *
 * <p>Requests to the management server (a context of its own on its own port, which is never published) pass: the
 * actuator answers probes and Prometheus there. With the actuator on the main port it needs an assertion too.
 */
public final class AssertionWebFilter implements WebFilter, Ordered, ApplicationContextAware {

    /** Before every other filter: nothing of the service runs for a caller it has not verified. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    static final String CHALLENGE = "Bearer error=\"invalid_token\"";
    private static final String BEARER = "Bearer ";
    private static final Logger log = LoggerFactory.getLogger(AssertionWebFilter.class);

    private final AssertionJwtDecoder decoder;
    private final List<Rule> rules;
    private final byte[] unauthenticated;
    private final byte[] forbidden;
    private @Nullable ApplicationContext context;

    private AssertionWebFilter(AssertionJwtDecoder decoder, List<Rule> rules, JsonMapper json) {
        this.decoder = decoder;
        this.rules = List.copyOf(rules);
        this.unauthenticated = json.writeValueAsBytes(
                ApiError.of(ErrorCode.INVALID_TOKEN, AssertionSecurity.UNAUTHENTICATED_MESSAGE).body());
        this.forbidden = json.writeValueAsBytes(
                ApiError.of(ErrorCode.INSUFFICIENT_SCOPE, AssertionSecurity.FORBIDDEN_MESSAGE).body());
    }

    /** A filter that verifies with {@code decoder}; add the service's rules, most specific first. */
    public static Builder builder(AssertionJwtDecoder decoder, JsonMapper json) {
        return new Builder(decoder, json);
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (context != null && exchange.getApplicationContext() != context) {
            // The management server's own context: see the class documentation.
            return chain.filter(exchange);
        }
        AssertionAuthentication caller = authenticate(exchange.getRequest().getHeaders());
        if (caller == null) {
            return refuse(exchange.getResponse(), HttpStatus.UNAUTHORIZED, unauthenticated);
        }
        if (!allows(exchange, caller.assertion())) {
            return refuse(exchange.getResponse(), HttpStatus.FORBIDDEN, forbidden);
        }
        return chain.filter(exchange.mutate().principal(Mono.just(caller)).build())
                .contextWrite(ReactiveSecurityContextHolder.withAuthentication(caller));
    }

    private @Nullable AssertionAuthentication authenticate(HttpHeaders headers) {
        List<String> authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.size() != 1) {
            return null;
        }
        String value = authorization.getFirst();
        if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length()) || value.length() == BEARER.length()) {
            return null;
        }
        try {
            return decoder.authenticate(value.substring(BEARER.length()));
        }
        catch (BadJwtException rejected) {
            return null;
        }
        catch (JwtException unverifiable) {
            // No keys to verify with, say: refused like a bad assertion (fail closed), and worth a line.
            log.warn("An internal assertion could not be verified: {}", unverifiable.getMessage());
            return null;
        }
    }

    private boolean allows(ServerWebExchange exchange, Assertion assertion) {
        for (Rule rule : rules) {
            if (rule.path().matches(exchange.getRequest().getPath().pathWithinApplication())) {
                return rule.requirement().test(assertion);
            }
        }
        return true;
    }

    private static Mono<Void> refuse(ServerHttpResponse response, HttpStatus status, byte[] body) {
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        if (status == HttpStatus.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        }
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private record Rule(PathPattern path, Predicate<Assertion> requirement) {
    }

    /** The rules of one service. */
    public static final class Builder {

        private final AssertionJwtDecoder decoder;
        private final JsonMapper json;
        private final List<Rule> rules = new ArrayList<>();

        private Builder(AssertionJwtDecoder decoder, JsonMapper json) {
            this.decoder = decoder;
            this.json = json;
        }

        /**
         * Requests whose path matches {@code pattern} (Spring's {@link PathPattern} syntax) need an assertion that
         * {@code requirement} accepts; the first matching rule decides.
         */
        public Builder require(String pattern, Predicate<Assertion> requirement) {
            rules.add(new Rule(PathPatternParser.defaultInstance.parse(pattern), requirement));
            return this;
        }

        public AssertionWebFilter build() {
            return new AssertionWebFilter(decoder, rules, json);
        }
    }
}
