package io.warmpath.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Request limits ({@code warmpath.gateway.*}). The header and URI limits answer in OpenAI error JSON; the HTTP
 * server's own limits ({@code server.max-http-request-header-size}, {@code server.netty.max-initial-line-length})
 * stay above them as a hard stop, answered with a bare status.
 *
 * @param maxRequestBytes the largest request body accepted; larger ones get 413
 * @param maxArtifactBytes the largest artifact upload ({@code PUT /v1/artifacts}) accepted: the artifact service
 *        holds each tenant to its own limit below this
 * @param maxHeaderBytes the most header bytes (names and values) a request may carry; more get 431
 * @param maxHeaderCount the most header fields a request may carry; more get 431 (the services behind take 100, and
 *        the gateway adds its own)
 * @param maxUriLength the longest request target (path and query) accepted; longer ones get 414
 */
@ConfigurationProperties("warmpath.gateway")
record RequestLimitProperties(
        @DefaultValue("10MB") DataSize maxRequestBytes,
        @DefaultValue("5GB") DataSize maxArtifactBytes,
        @DefaultValue("16KB") DataSize maxHeaderBytes,
        @DefaultValue("64") int maxHeaderCount,
        @DefaultValue("8192") int maxUriLength) {
}
