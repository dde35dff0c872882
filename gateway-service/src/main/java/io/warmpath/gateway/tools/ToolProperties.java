package io.warmpath.gateway.tools;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;

/**
 * The tools the gateway may call on an agent's behalf ({@code warmpath.gateway.tools.*}).
 *
 * @param registry    the tools by name; a token needs scope {@code tools:<name>} to call one
 * @param policyCheck ask the policy service ({@code invoke_tool}) before every call; {@code false} is for local
 *                    development without a policy service only
 */
@ConfigurationProperties("warmpath.gateway.tools")
record ToolProperties(@DefaultValue Map<String, Definition> registry, @DefaultValue("true") boolean policyCheck) {

    /**
     * One tool.
     *
     * @param url                 the upstream URL; it must also pass the egress allowlist
     * @param method              {@code POST} (default), {@code PUT}, {@code PATCH} (input as the JSON body) or
     *                            {@code GET} (input's top-level scalar properties as query parameters)
     * @param inputSchema         the JSON Schema (draft 2020-12 unless {@code $schema} says otherwise) as inline JSON
     * @param inputSchemaLocation or as a resource ({@code classpath:}, {@code file:}); exactly one of the two is required
     * @param maxDataClass        the most sensitive data the tool may receive: public, internal (default),
     *                            confidential or regulated
     * @param timeout             the whole call, from resolution to the last response byte
     * @param maxResponseBytes    the largest response body accepted from the tool
     * @param forwardCaller       send the tool the caller's tenant and subject (as {@code x-warmpath-tenant} and
     *                            {@code x-warmpath-subject}); off by default, so a third party learns nothing of who
     *                            calls it
     */
    record Definition(@Nullable URI url, @DefaultValue("POST") HttpMethod method, @Nullable String inputSchema,
            @Nullable Resource inputSchemaLocation, @DefaultValue("internal") String maxDataClass,
            @DefaultValue("10s") Duration timeout, @DefaultValue("1MB") DataSize maxResponseBytes,
            @DefaultValue("false") boolean forwardCaller) {
    }
}
