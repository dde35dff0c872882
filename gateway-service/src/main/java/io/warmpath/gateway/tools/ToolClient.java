package io.warmpath.gateway.tools;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends a tool call to the address the {@link EgressGuard} admitted, and nowhere else.
 *
 * <ul>
 *   <li>It connects to {@link EgressTarget#address()} and requests only the path, so the URL's host is never looked
 *       up again; the client's resolver refuses every lookup, so a slip here fails the call instead of resolving.
 *   <li>The original host goes in the {@code Host} header (and TLS SNI and name verification for https).
 *   <li>Redirects are not followed, requests are not retried, no proxy is used, and every call has its own
 *       connection (a pooled TLS connection could otherwise serve another host on the same address).
 *   <li>A response body over the limit fails with {@link ResponseTooLargeException}: at once when
 *       {@code Content-Length} says so, otherwise as soon as the bytes read pass it.
 * </ul>
 */
final class ToolClient {

    private final HttpClient http;

    ToolClient(Duration connectTimeout) {
        this.http = HttpClient.create(ConnectionProvider.newConnection())
                .resolver(NoLookups.INSTANCE)
                .followRedirect(false)
                .disableRetry(true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(Math.max(1, connectTimeout.toMillis())));
    }

    /**
     * @param body    the request body, or {@code null} to send none
     * @param headers extra request headers
     */
    Mono<ToolReply> send(EgressTarget target, String method, String pathAndQuery, byte @Nullable [] body,
            Map<String, String> headers, long maxResponseBytes) {
        InetSocketAddress address = target.address();
        HttpClient client = http.remoteAddress(() -> address)
                .headers(outbound -> {
                    headers.forEach(outbound::set);
                    outbound.set(HttpHeaderNames.HOST, target.hostHeader());
                    if (body != null) {
                        outbound.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    }
                });
        if (target.secure()) {
            client = client.secure();
        }
        HttpClient.RequestSender request = client.request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
                .uri(pathAndQuery);
        HttpClient.ResponseReceiver<?> sent = body == null ? request : request.send(Mono.fromSupplier(
                () -> Unpooled.wrappedBuffer(body)));
        return sent.responseConnection((response, connection) -> {
            long declared = contentLength(response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH));
            if (declared > maxResponseBytes) {
                return Mono.error(new ResponseTooLargeException(maxResponseBytes));
            }
            String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
            int status = response.status().code();
            return connection.inbound().receive()
                    .reduceWith(ByteArrayOutputStream::new, (collected, chunk) -> append(collected, chunk,
                            maxResponseBytes))
                    .map(collected -> new ToolReply(status, contentType, collected.toByteArray()));
        }).next();
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream collected, ByteBuf chunk, long max) {
        int readable = chunk.readableBytes();
        if (collected.size() + (long) readable > max) {
            throw new ResponseTooLargeException(max);
        }
        byte[] bytes = new byte[readable];
        chunk.readBytes(bytes);
        collected.writeBytes(bytes);
        return collected;
    }

    private static long contentLength(@Nullable String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * What a tool answered.
     *
     * @param status      the HTTP status
     * @param contentType its {@code Content-Type}, or {@code null}
     * @param body        the whole body, within the limit
     */
    record ToolReply(int status, @Nullable String contentType, byte[] body) {
    }

    /** The tool's response body is over the tool's {@code max-response-bytes}. */
    static final class ResponseTooLargeException extends RuntimeException {

        ResponseTooLargeException(long max) {
            super("The tool's response exceeds " + max + " bytes.", null, false, false);
        }
    }

    /** A resolver that resolves nothing: addresses reaching the client are already checked and resolved. */
    private static final class NoLookups extends AddressResolverGroup<InetSocketAddress> {

        static final NoLookups INSTANCE = new NoLookups();

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new AbstractAddressResolver<>(executor, InetSocketAddress.class) {
                @Override
                protected boolean doIsResolved(InetSocketAddress address) {
                    return !address.isUnresolved();
                }

                @Override
                protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) {
                    promise.setFailure(refused());
                }

                @Override
                protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) {
                    promise.setFailure(refused());
                }
            };
        }

        private static UnknownHostException refused() {
            return new UnknownHostException("Tool calls connect only to addresses the egress guard checked");
        }
    }
}
