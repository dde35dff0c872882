package io.warmpath.gateway.routing;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The request fields the gateway passes on besides OpenAI's and vLLM's sampling fields
 * ({@code warmpath.gateway.request-fields.*}).
 *
 * @param allow more fields to pass on, by name, such as {@code chat_template} for a deployment whose clients must set
 *              it: each one an operator trusts not to undo the gateway's tool scoping
 */
@ConfigurationProperties("warmpath.gateway.request-fields")
record RequestFieldsProperties(@DefaultValue List<String> allow) {
}
