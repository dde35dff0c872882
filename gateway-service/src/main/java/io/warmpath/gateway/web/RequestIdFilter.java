package io.warmpath.gateway.web;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.warmpath.contracts.WarmpathHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an {@code x-request-id} before anything else runs, and every response the same: a client's
 * own when it is well-formed (1 to 128 letters, digits and {@code . _ : -}), else a new {@code req_} and 24 hex
 * characters. The id travels on to the services behind the gateway, so one id follows a turn through the cell to
 * the engine's logs. An id of the wrong shape is replaced rather than refused: it is a label, not an instruction.
 */
@Component
@Order(-300)
class RequestIdFilter implements WebFilter {

    /** The exchange attribute holding the request's id. */
    static final String ATTRIBUTE = RequestIdFilter.class.getName();

    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String requestId = idOf(exchange.getRequest().getHeaders().getFirst(WarmpathHeaders.REQUEST_ID));
        exchange.getAttributes().put(ATTRIBUTE, requestId);
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(WarmpathHeaders.REQUEST_ID, requestId);
            return Mono.empty();
        });
        return chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(WarmpathHeaders.REQUEST_ID, requestId)))
                .build());
    }

    /** The client's id when it is one, else a new one. */
    static String idOf(@Nullable String offered) {
        if (offered != null && WELL_FORMED.matcher(offered).matches()) {
            return offered;
        }
        byte[] bits = new byte[12];
        RANDOM.nextBytes(bits);
        return "req_" + HexFormat.of().formatHex(bits);
    }
}
