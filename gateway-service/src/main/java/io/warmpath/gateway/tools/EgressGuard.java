package io.warmpath.gateway.tools;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.warmpath.gateway.tools.EgressRefusedException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether the gateway may call a URL, and pins the address it will connect to.
 *
 * <ol>
 *   <li>The URL must be {@code http} or {@code https}, without user info, and its scheme, host and port must match an
 *       allowlist entry exactly. Metadata host names ({@code metadata.google.internal} and kin) are refused outright.
 *   <li>The host is resolved once, and <em>every</em> address it resolves to is classified ({@link AddressClass}):
 *       one address the entry may not reach refuses the call, so a name with a public and a private record cannot
 *       slip through on the public one.
 *   <li>The caller connects to the first checked address ({@link EgressTarget#address()}), never to the name, so a DNS
 *       answer that changes between check and connect (rebinding) cannot redirect the call.
 * </ol>
 *
 * <p>Resolution blocks: call {@link #admit(URI)} off the event loop.
 */
final class EgressGuard {

    /** Names of metadata services that resolve to a metadata address inside their cloud. */
    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal");

    /** Hosts of digits and dots, which must then be a four-part IPv4 address. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+");

    private final List<AllowedOrigin> allowlist;
    private final HostResolver resolver;

    EgressGuard(List<EgressProperties.Allow> allow, HostResolver resolver) {
        this.allowlist = allow.stream().map(AllowedOrigin::parse).toList();
        this.resolver = resolver;
    }

    /**
     * @return where to connect for this URL
     * @throws EgressRefusedException when the URL is not allowlisted, cannot be resolved, or resolves to an address
     *                                its entry may not reach
     */
    EgressTarget admit(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null || url.getRawUserInfo() != null) {
            throw new EgressRefusedException(Reason.UNSUPPORTED_URL, "Only http(s) URLs with a host and no user info "
                    + "may be called.");
        }
        String host = normalizedHost(url.getHost());
        if (METADATA_HOSTS.contains(host)) {
            throw new EgressRefusedException(Reason.METADATA_HOST, "The host is a cloud metadata service.");
        }
        int port = url.getPort() == -1 ? defaultPort(scheme) : url.getPort();
        @Nullable InetAddress literal = literalAddress(host);
        AllowedOrigin origin = allowlist.stream()
                .filter(allowed -> allowed.matches(scheme, host, literal, port))
                .findFirst()
                .orElseThrow(() -> new EgressRefusedException(Reason.NOT_ALLOWLISTED,
                        "The origin " + scheme + "://" + host + ":" + port + " is not on the egress allowlist."));
        InetAddress[] addresses = literal != null ? new InetAddress[] {literal} : resolve(host);
        for (InetAddress address : addresses) {
            AddressClass addressClass = AddressClass.of(address);
            if (!addressClass.reachable(origin.allowPrivate())) {
                throw new EgressRefusedException(Reason.FORBIDDEN_ADDRESS, "The host resolves to a "
                        + addressClass.name().toLowerCase(Locale.ROOT).replace('_', '-') + " address, which this "
                        + "allowlist entry may not reach.");
            }
        }
        String hostHeader = (url.getHost().contains(":") && !url.getHost().startsWith("[") ? "[" + url.getHost() + "]"
                : url.getHost()) + (url.getPort() == -1 || url.getPort() == defaultPort(scheme) ? "" : ":" + port);
        return new EgressTarget(url, new InetSocketAddress(pinned(host, literal, addresses[0]), port), hostHeader);
    }

    private InetAddress[] resolve(String host) {
        try {
            InetAddress[] addresses = resolver.resolve(host);
            if (addresses.length == 0) {
                throw new UnknownHostException(host);
            }
            return addresses;
        } catch (UnknownHostException e) {
            throw new EgressRefusedException(Reason.UNRESOLVABLE, "The tool's host could not be resolved.");
        }
    }

    /** The checked address, labelled with the host name so TLS can send SNI and verify the name without a lookup. */
    private static InetAddress pinned(String host, @Nullable InetAddress literal, InetAddress checked) {
        if (literal != null) {
            return literal;
        }
        try {
            return InetAddress.getByAddress(host, checked.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of a valid length", e);
        }
    }

    private static String normalizedHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.toLowerCase(Locale.ROOT);
    }

    /**
     * The host as an address when it is written as one, parsed without a lookup: IPv6 (it has a colon) or IPv4 as
     * four decimal parts. Other numeric spellings ({@code 127.1}, {@code 2130706433}) are refused rather than guessed.
     */
    private static @Nullable InetAddress literalAddress(String host) {
        try {
            if (host.contains(":")) {
                return InetAddress.getByName(host); // an IPv6 literal is parsed, never looked up
            }
            if (!NUMERIC_HOST.matcher(host).matches()) {
                return null;
            }
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                throw new UnknownHostException(host);
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int value = parts[i].isEmpty() || parts[i].length() > 3 ? 256 : Integer.parseInt(parts[i]);
                if (value > 255) {
                    throw new UnknownHostException(host);
                }
                bytes[i] = (byte) value;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new EgressRefusedException(Reason.UNSUPPORTED_URL, "The URL's host is not a valid address.");
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** An allowlist entry, parsed once at start-up. */
    private record AllowedOrigin(String scheme, String host, @Nullable InetAddress literal, int port,
            boolean allowPrivate) {

        static AllowedOrigin parse(EgressProperties.Allow allow) {
            URI origin = URI.create(Objects.requireNonNull(allow.origin(), "warmpath.gateway.egress.allow[].origin"));
            String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
            boolean bare = origin.getRawPath() == null || origin.getRawPath().isEmpty() || origin.getRawPath().equals("/");
            if (!(scheme.equals("http") || scheme.equals("https")) || origin.getHost() == null
                    || origin.getRawUserInfo() != null || !bare || origin.getRawQuery() != null) {
                throw new IllegalArgumentException("Egress allowlist entries are scheme://host[:port], got '"
                        + allow.origin() + "'");
            }
            String host = normalizedHost(origin.getHost());
            int port = origin.getPort() == -1 ? defaultPort(scheme) : origin.getPort();
            return new AllowedOrigin(scheme, host, literalAddress(host), port, allow.allowPrivate());
        }

        boolean matches(String otherScheme, String otherHost, @Nullable InetAddress otherLiteral, int otherPort) {
            if (!scheme.equals(otherScheme) || port != otherPort) {
                return false;
            }
            return literal != null ? literal.equals(otherLiteral) : otherLiteral == null && host.equals(otherHost);
        }
    }
}
