package io.warmpath.gateway.web;

import java.net.URI;
import java.net.URISyntaxException;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * Requests whose target is not a URI ({@code ?a=%ZZ}, a bare {@code |} or {@code {}}) never reach a filter: Spring's
 * Netty adapter cannot build the request and answers an empty 400. A Netty handler in front of it swaps such a target
 * for {@link #PATH} ({@link #OPENAI_PATH} when it was under {@code /v1/}, so the error keeps the OpenAI shape), which
 * {@link RequestLimitFilter} answers with a 400 that says why. The request is otherwise read as usual, body included,
 * so the connection stays healthy.
 */
@Configuration(proxyBeanMethods = false)
class InvalidRequestTargets {

    /** Where a request with an unparseable target is sent instead. */
    static final String PATH = "/invalid-request-target";
    static final String OPENAI_PATH = "/v1" + PATH;

    private static final ChannelHandler REWRITER = new TargetRewriter();

    @Bean
    NettyServerCustomizer invalidRequestTargetRewriter() {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "warmpath.invalidRequestTargets", REWRITER);
            }
        });
    }

    static boolean isRewritten(String path) {
        return path.equals(PATH) || path.equals(OPENAI_PATH);
    }

    static ApiError error() {
        return ApiError.of(ErrorCode.INVALID_REQUEST, "The request target is not a valid URI: a malformed "
                + "percent-escape or a character that must be percent-encoded.");
    }

    @ChannelHandler.Sharable
    private static final class TargetRewriter extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof HttpRequest request && !parses(request.uri())) {
                request.setUri(request.uri().startsWith("/v1/") ? OPENAI_PATH : PATH);
            }
            context.fireChannelRead(message);
        }

        private static boolean parses(String target) {
            try {
                new URI(target);
                return true;
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }
}
