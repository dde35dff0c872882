package io.warmpath.gateway.tools;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Set;

/**
 * What kind of address a tool call would connect to. Only {@link #PUBLIC} addresses are reachable by default;
 * {@link #LOOPBACK}, {@link #PRIVATE} and {@link #LINK_LOCAL} need an allowlist entry with {@code allow-private}; the
 * rest are never reachable.
 */
enum AddressClass {

    PUBLIC(Reach.ALWAYS),
    LOOPBACK(Reach.WITH_ALLOW_PRIVATE),
    /** RFC 1918, carrier-grade NAT (100.64/10), IPv6 unique-local (fc00::/7) and site-local (fec0::/10). */
    PRIVATE(Reach.WITH_ALLOW_PRIVATE),
    LINK_LOCAL(Reach.WITH_ALLOW_PRIVATE),
    /** Cloud instance metadata endpoints: credentials live there, so no allowlist entry unlocks them. */
    METADATA(Reach.NEVER),
    /** 0.0.0.0/8 and {@code ::}; Linux connects 0.0.0.0 to the local host. */
    UNSPECIFIED(Reach.NEVER),
    MULTICAST(Reach.NEVER),
    /** Broadcast, documentation, benchmarking, IETF protocol and future-use ranges, and Teredo/IPv4-compatible IPv6. */
    RESERVED(Reach.NEVER);

    private enum Reach { ALWAYS, WITH_ALLOW_PRIVATE, NEVER }

    /** AWS/Azure/GCP/OpenStack, ECS task and Alibaba metadata addresses; all inside a blocked range as well. */
    private static final Set<String> METADATA_IPV4 = Set.of("169.254.169.254", "169.254.170.2", "100.100.100.200");

    /** AWS's IPv6 metadata address, fd00:ec2::254. */
    private static final byte[] METADATA_IPV6 = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
            0x54};

    private final Reach reach;

    AddressClass(Reach reach) {
        this.reach = reach;
    }

    boolean reachable(boolean allowPrivate) {
        return reach == Reach.ALWAYS || (reach == Reach.WITH_ALLOW_PRIVATE && allowPrivate);
    }

    static AddressClass of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return switch (address) {
            case Inet4Address v4 -> ofIpv4(bytes, 0);
            case Inet6Address v6 -> ofIpv6(bytes);
            default -> RESERVED;
        };
    }

    /** The IPv4 address at {@code bytes[from..from+3]}. */
    private static AddressClass ofIpv4(byte[] bytes, int from) {
        int a = bytes[from] & 0xff;
        int b = bytes[from + 1] & 0xff;
        int c = bytes[from + 2] & 0xff;
        int d = bytes[from + 3] & 0xff;
        String dotted = a + "." + b + "." + c + "." + d;
        if (METADATA_IPV4.contains(dotted)) {
            return METADATA;
        }
        if (a == 0) {
            return UNSPECIFIED;
        }
        if (a == 127) {
            return LOOPBACK;
        }
        if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168) || (a == 100 && (b & 0xc0) == 64)) {
            return PRIVATE;
        }
        if (a == 169 && b == 254) {
            return LINK_LOCAL;
        }
        if ((a & 0xf0) == 224) {
            return MULTICAST;
        }
        if (a >= 240 || (a == 192 && b == 0 && (c == 0 || c == 2)) || (a == 198 && (b & 0xfe) == 18)
                || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113)) {
            return RESERVED;
        }
        return PUBLIC;
    }

    private static AddressClass ofIpv6(byte[] bytes) {
        if (Arrays.equals(bytes, METADATA_IPV6)) {
            return METADATA;
        }
        if (isZero(bytes, 0, 10)) {
            if ((bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
                // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
                return ofIpv4(bytes, 12);
            }
            if (isZero(bytes, 10, 15)) {
                return switch (bytes[15]) {
                    case 0 -> UNSPECIFIED;
                    case 1 -> LOOPBACK;
                    default -> RESERVED;
                };
            }
            return RESERVED; // deprecated IPv4-compatible ::a.b.c.d
        }
        int first = ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
        int second = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        if (first == 0x0064 && second == 0xff9b) {
            // NAT64: 64:ff9b::a.b.c.d reaches a.b.c.d; the local-use 64:ff9b:1::/48 is private.
            return isZero(bytes, 4, 12) ? ofIpv4(bytes, 12) : PRIVATE;
        }
        if (first == 0x2002) {
            return ofIpv4(bytes, 2); // 6to4 carries the IPv4 address in bits 16-47
        }
        if ((first == 0x2001 && second == 0x0000) || (first == 0x2001 && second == 0x0db8)
                || (first == 0x0100 && second == 0 && isZero(bytes, 4, 8))) {
            return RESERVED; // Teredo (the IPv4 address is obfuscated), documentation, discard-only
        }
        if ((first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfec0) {
            return PRIVATE;
        }
        if ((first & 0xffc0) == 0xfe80) {
            return LINK_LOCAL;
        }
        if ((first & 0xff00) == 0xff00) {
            return MULTICAST;
        }
        return PUBLIC;
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
