package io.warmpath.gateway.tools;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Name resolution for the egress guard: the system resolver unless the application context has a bean of this type
 * (tests map names to chosen addresses with one).
 */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = InetAddress::getAllByName;

    /** Every address the host resolves to; never empty. */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
