package io.warmpath.gateway.tools;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A call the egress guard admitted: the URL and the one checked address to connect to.
 *
 * @param url        the tool's URL as configured
 * @param address    the checked address, carrying the URL's host name (for TLS SNI) without needing a lookup
 * @param hostHeader the {@code Host} header: the URL's host, with its port when it is not the scheme's default
 */
record EgressTarget(URI url, InetSocketAddress address, String hostHeader) {

    boolean secure() {
        return "https".equals(url.getScheme());
    }

    /** The path and query to request from the pinned address. */
    String pathAndQuery() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}
