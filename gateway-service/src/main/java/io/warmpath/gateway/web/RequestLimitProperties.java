package io.warmpath.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Request limits ({@code warmpath.gateway.*}).
 *
 * @param maxRequestBytes the largest request body accepted; larger ones get 413
 */
@ConfigurationProperties("warmpath.gateway")
record RequestLimitProperties(@DefaultValue("10MB") DataSize maxRequestBytes) {
}
