package io.warmpath.gateway.tools;

import java.net.URI;
import java.time.Duration;

import io.warmpath.contracts.DataClass;
import org.springframework.http.HttpMethod;

/**
 * A registered tool, checked and compiled at start-up.
 *
 * @param name             the registry key; the scope is {@code tools:<name>}
 * @param url              the upstream URL (the egress guard still decides per call)
 * @param method           POST, PUT, PATCH or GET
 * @param inputSchema      the compiled input schema
 * @param maxDataClass     the most sensitive data it may receive
 * @param timeout          the whole call
 * @param maxResponseBytes the largest response body accepted
 * @param forwardCaller    whether the tool is told the caller's tenant and subject
 */
record Tool(String name, URI url, HttpMethod method, ToolInputSchema inputSchema, DataClass maxDataClass,
        Duration timeout, long maxResponseBytes, boolean forwardCaller) {

    /** Whether the input travels as a JSON body (else as query parameters). */
    boolean sendsBody() {
        return !HttpMethod.GET.equals(method);
    }
}
