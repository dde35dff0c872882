package io.warmpath.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.warmpath.gateway.tools.EgressRefusedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressGuardTest {

    private static final String TOOL_HOST = "tools.example.com";

    /** A DNS of our own: the host name maps to whatever address a test gives it. */
    private final Map<String, InetAddress[]> dns = new HashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final HostResolver resolver = host -> {
        lookups.incrementAndGet();
        InetAddress[] addresses = dns.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        return addresses;
    };

    @Test
    void allowlistedHostWithPublicAddressIsAdmittedAndPinnedToThatAddress() throws Exception {
        dns.put(TOOL_HOST, addresses("93.184.216.34"));

        EgressTarget target = guard(allow("https://tools.example.com")).admit(URI.create(
                "https://tools.example.com/v1/lookup?q=1"));

        assertThat(target.address().getAddress().getHostAddress()).isEqualTo("93.184.216.34");
        assertThat(target.address().getPort()).isEqualTo(443);
        assertThat(target.address().isUnresolved()).isFalse();
        assertThat(target.address().getHostString()).as("carries the name for TLS").isEqualTo(TOOL_HOST);
        assertThat(target.hostHeader()).isEqualTo(TOOL_HOST);
        assertThat(target.pathAndQuery()).isEqualTo("/v1/lookup?q=1");
        assertThat(target.secure()).isTrue();
    }

    @Test
    void hostHeaderKeepsANonDefaultPort() throws Exception {
        dns.put(TOOL_HOST, addresses("93.184.216.34"));

        EgressTarget target = guard(allow("http://tools.example.com:8443")).admit(URI.create(
                "http://tools.example.com:8443"));

        assertThat(target.hostHeader()).isEqualTo("tools.example.com:8443");
        assertThat(target.pathAndQuery()).isEqualTo("/");
    }

    @Test
    void hostsMatchCaseInsensitivelyButExactly() throws Exception {
        dns.put(TOOL_HOST, addresses("93.184.216.34"));
        dns.put("evil-tools.example.com", addresses("93.184.216.35"));
        EgressGuard guard = guard(allow("https://Tools.Example.COM"));

        assertThat(guard.admit(URI.create("https://TOOLS.example.com/x")).address().getPort()).isEqualTo(443);
        assertRefused(guard, "https://evil-tools.example.com/x", Reason.NOT_ALLOWLISTED);
        assertRefused(guard, "https://example.com/x", Reason.NOT_ALLOWLISTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://tools.example.com/x", "https://tools.example.com:8443/x",
            "https://other.example.com/x"})
    void schemeHostAndPortMustAllMatchAnEntry(String url) throws Exception {
        dns.put(TOOL_HOST, addresses("93.184.216.34"));
        dns.put("other.example.com", addresses("93.184.216.34"));

        assertRefused(guard(allow("https://tools.example.com")), url, Reason.NOT_ALLOWLISTED);
        assertThat(lookups).as("nothing resolved for a URL off the list").hasValue(0);
    }

    @Test
    void emptyAllowlistRefusesEverything() {
        assertRefused(new EgressGuard(List.of(), resolver), "https://tools.example.com", Reason.NOT_ALLOWLISTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://tools.example.com/x", "file:///etc/passwd", "https://user:secret@tools.example.com/x",
            "https:///no-host"})
    void onlyPlainHttpUrlsWithAHostAreCallable(String url) {
        assertRefused(guard(allow("https://tools.example.com")), url, Reason.UNSUPPORTED_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.goog/",
            "http://instance-data/latest/meta-data/"})
    void metadataHostNamesAreRefusedEvenWhenAllowlisted(String url) {
        URI uri = URI.create(url);
        EgressGuard guard = guard(new EgressProperties.Allow("http://" + uri.getHost(), true));

        assertRefused(guard, url, Reason.METADATA_HOST);
        assertThat(lookups).hasValue(0);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
            "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
            "192.168.1.1, PRIVATE", "100.64.0.1, PRIVATE", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "fec0::1, PRIVATE",
            "169.254.0.1, LINK_LOCAL", "169.254.255.255, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
            "169.254.169.254, METADATA", "169.254.170.2, METADATA", "100.100.100.200, METADATA",
            "fd00:ec2::254, METADATA",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST", "ff0e::1, MULTICAST",
            "255.255.255.255, RESERVED", "240.0.0.1, RESERVED", "192.0.2.1, RESERVED", "198.18.0.1, RESERVED",
            "2001:db8::1, RESERVED", "2001:0:4136:e378:8000:63bf:3fff:fdd2, RESERVED", "::0102:0304, RESERVED",
            "64:ff9b::7f00:1, LOOPBACK", "64:ff9b::a9fe:a9fe, METADATA", "64:ff9b:1::1, PRIVATE",
            "2002:7f00:0001::1, LOOPBACK", "2002:c0a8:0101::1, PRIVATE",
            "93.184.216.34, PUBLIC", "172.15.255.255, PUBLIC", "172.32.0.1, PUBLIC", "100.63.255.255, PUBLIC",
            "100.128.0.1, PUBLIC", "11.0.0.1, PUBLIC", "2606:4700:4700::1111, PUBLIC", "2002:5db8:d822::1, PUBLIC"})
    void addressesAreClassified(String address, AddressClass expected) throws Exception {
        assertThat(AddressClass.of(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "::ffff:{0} is {1}")
    @CsvSource({"127.0.0.1, LOOPBACK", "10.1.2.3, PRIVATE", "192.168.0.10, PRIVATE", "169.254.1.1, LINK_LOCAL",
            "169.254.169.254, METADATA", "0.0.0.0, UNSPECIFIED", "224.0.0.251, MULTICAST", "93.184.216.34, PUBLIC"})
    void ipv4MappedIpv6AddressesAreClassifiedAsTheirIpv4Address(String ipv4, AddressClass expected) throws Exception {
        // Java turns a parsed ::ffff:a.b.c.d into an Inet4Address; a resolver may still hand us the IPv6 form.
        InetAddress mapped = mapped(ipv4);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(AddressClass.of(mapped)).isEqualTo(expected);
        assertThat(AddressClass.of(InetAddress.getByName("::ffff:" + ipv4))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "10.0.0.7", "172.20.1.1", "192.168.50.5", "fd00::5", "169.254.10.10",
            "fe80::abcd", "169.254.169.254", "fd00:ec2::254", "0.0.0.0", "::", "224.0.0.1", "ff02::1",
            "255.255.255.255"})
    void aHostResolvingToANonPublicAddressIsRefused(String address) throws Exception {
        dns.put(TOOL_HOST, addresses(address));

        assertRefused(guard(allow("https://tools.example.com")), "https://tools.example.com/x",
                Reason.FORBIDDEN_ADDRESS);
    }

    @Test
    void aHostResolvingToAnIpv4MappedLoopbackAddressIsRefused() throws Exception {
        dns.put(TOOL_HOST, new InetAddress[] {mapped("127.0.0.1")});

        assertRefused(guard(allow("https://tools.example.com")), "https://tools.example.com/x",
                Reason.FORBIDDEN_ADDRESS);
    }

    @Test
    void oneBadAddressAmongGoodOnesRefusesTheCall() throws Exception {
        dns.put(TOOL_HOST, addresses("93.184.216.34", "2606:4700:4700::1111", "10.0.0.1"));

        assertRefused(guard(allow("https://tools.example.com")), "https://tools.example.com/x",
                Reason.FORBIDDEN_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "10.0.0.7", "192.168.50.5", "fd00::5", "169.254.10.10", "fe80::1"})
    void allowPrivateLetsThatOriginReachLoopbackPrivateAndLinkLocalAddresses(String address) throws Exception {
        dns.put("tools.internal", addresses(address));

        EgressTarget target = guard(new EgressProperties.Allow("http://tools.internal:8080", true))
                .admit(URI.create("http://tools.internal:8080/run"));

        assertThat(target.address().getAddress()).isEqualTo(InetAddress.getByName(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "fd00:ec2::254", "100.100.100.200", "0.0.0.0", "::", "224.0.0.1",
            "255.255.255.255"})
    void allowPrivateNeverUnlocksMetadataUnspecifiedMulticastOrReservedAddresses(String address) throws Exception {
        dns.put("tools.internal", addresses(address));

        assertRefused(guard(new EgressProperties.Allow("http://tools.internal:8080", true)),
                "http://tools.internal:8080/run", Reason.FORBIDDEN_ADDRESS);
    }

    @Test
    void allowPrivateAppliesToTheExactOriginOnly() throws Exception {
        dns.put("tools.internal", addresses("10.0.0.5"));
        EgressGuard guard = guard(new EgressProperties.Allow("http://tools.internal:8080", true),
                allow("http://tools.internal:9090"));

        assertThat(guard.admit(URI.create("http://tools.internal:8080/")).address().getPort()).isEqualTo(8080);
        assertRefused(guard, "http://tools.internal:9090/", Reason.FORBIDDEN_ADDRESS);
    }

    @Test
    void ipLiteralUrlsAreCheckedWithoutALookup() {
        EgressGuard guard = guard(new EgressProperties.Allow("http://127.0.0.1:8080", true), allow("http://[::1]:8081"),
                allow("http://169.254.169.254"));

        EgressTarget target = guard.admit(URI.create("http://127.0.0.1:8080/run"));
        assertThat(target.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(target.hostHeader()).isEqualTo("127.0.0.1:8080");
        assertRefused(guard, "http://[::1]:8081/run", Reason.FORBIDDEN_ADDRESS);
        assertRefused(guard, "http://169.254.169.254/latest/meta-data/", Reason.FORBIDDEN_ADDRESS);
        assertThat(lookups).hasValue(0);
    }

    @Test
    void ipv4MappedLiteralMatchesTheIpv4EntryAndIsStillChecked() {
        EgressGuard guard = guard(allow("http://127.0.0.1:8080"));

        assertRefused(guard, "http://[::ffff:127.0.0.1]:8080/", Reason.FORBIDDEN_ADDRESS);
        assertRefused(guard, "http://[::ffff:7f00:1]:8080/", Reason.FORBIDDEN_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.1:8080/", "http://2130706433:8080/", "http://127.0.0.01.1:8080/",
            "http://256.0.0.1:8080/"})
    void unusualNumericHostSpellingsAreRefusedRatherThanGuessed(String url) {
        assertRefused(guard(new EgressProperties.Allow("http://127.0.0.1:8080", true)), url, Reason.UNSUPPORTED_URL);
        assertThat(lookups).hasValue(0);
    }

    @Test
    void unresolvableHostIsRefused() {
        assertRefused(guard(allow("https://tools.example.com")), "https://tools.example.com/x", Reason.UNRESOLVABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://tools.example.com/path", "tools.example.com", "ftp://tools.example.com",
            "https://user@tools.example.com", "https://tools.example.com?x=1"})
    void allowlistEntriesMustBeBareOrigins(String origin) {
        assertThatIllegalArgumentException().isThrownBy(() -> guard(allow(origin)));
    }

    private EgressGuard guard(EgressProperties.Allow... allow) {
        return new EgressGuard(List.of(allow), resolver);
    }

    private static EgressProperties.Allow allow(String origin) {
        return new EgressProperties.Allow(origin, false);
    }

    private static void assertRefused(EgressGuard guard, String url, Reason reason) {
        assertThatThrownBy(() -> guard.admit(URI.create(url)))
                .isInstanceOfSatisfying(EgressRefusedException.class, refused ->
                        assertThat(refused.reason()).isEqualTo(reason));
    }

    private static InetAddress[] addresses(String... literals) throws UnknownHostException {
        InetAddress[] addresses = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            addresses[i] = InetAddress.getByName(literals[i]);
        }
        return addresses;
    }

    /** ::ffff:a.b.c.d as an Inet6Address, the form a resolver could return. */
    private static InetAddress mapped(String ipv4) throws UnknownHostException {
        byte[] v4 = InetAddress.getByName(ipv4).getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return Inet6Address.getByAddress(null, v6, -1);
    }
}
