package io.warmpath.gateway.cells;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Against a real DNS server (Debian's dnsmasq on a loopback port, serving the SRV records a headless Kubernetes
 * service would): cell ids are the pods' names, a scale-out adds cells, a DNS outage keeps the known cells.
 */
class CellsDnsDiscoveryTest {

    private static final String SERVICE = "wp-warmpath-cell.agents.svc.cluster.local";

    private int port;
    private Process dnsmasq;
    private CellsDnsDiscovery discovery;

    @BeforeEach
    void findDnsmasq() throws IOException {
        assumeThat(Files.isExecutable(Path.of("/usr/sbin/dnsmasq")))
                .as("dnsmasq is installed (.ci/run installs Debian's dnsmasq-base)").isTrue();
        port = freeUdpAndTcpPort();
        discovery = new CellsDnsDiscovery(new CellDiscoveryProperties.CellsDns(SERVICE, "http",
                "dns://127.0.0.1:" + port, Duration.ofMillis(300), Map.of("model", "kimi-k2.5", "region", "eu-1")));
    }

    @AfterEach
    void stopDnsmasq() throws InterruptedException {
        stop();
    }

    @Test
    void eachSrvRecordIsACellNamedAfterItsPodWithTheConfiguredMetadata() throws Exception {
        serve(2);

        List<ServiceInstance> cells = discovery.current();

        assertThat(cells).extracting(ServiceInstance::getInstanceId)
                .containsExactly("wp-warmpath-cell-0", "wp-warmpath-cell-1");
        ServiceInstance first = cells.getFirst();
        assertThat(first.getHost()).isEqualTo("wp-warmpath-cell-0." + SERVICE);
        assertThat(first.getPort()).isEqualTo(8090);
        assertThat(first.getMetadata()).containsEntry(CellIds.CELL_ID, "wp-warmpath-cell-0")
                .containsEntry("model", "kimi-k2.5").containsEntry("region", "eu-1");
        assertThat(discovery.getInstances(CellRegistry.SERVICE_ID).collectList().block()).hasSize(2);
        assertThat(discovery.getInstances("something-else").collectList().block()).isEmpty();
    }

    @Test
    void aScaleOutAddsCellsAndKeepsTheIdsOfTheOnesThere() throws Exception {
        serve(2);
        List<ServiceInstance> before = discovery.current();
        stop();
        serve(3);

        assertThat(discovery.current()).extracting(ServiceInstance::getInstanceId)
                .containsAll(before.stream().map(ServiceInstance::getInstanceId).toList())
                .contains("wp-warmpath-cell-2").hasSize(3);
    }

    @Test
    void aDnsOutageKeepsTheKnownCellsAndAMissingNameMeansNone() throws Exception {
        serve(2);
        assertThat(discovery.current()).hasSize(2);
        stop();

        assertThat(discovery.current()).as("no answer: the last list").hasSize(2);

        serve(0);
        assertThat(discovery.current()).as("no such name: no cell pods").isEmpty();
    }

    /** Starts dnsmasq answering for the service's first {@code cells} pods, and only for this test's names. */
    private void serve(int cells) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/dnsmasq", "--keep-in-foreground",
                "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--no-poll", "--cache-size=0", "--pid-file=", "--user=" + System.getProperty("user.name"),
                "--local=/cluster.local/", "--log-facility=-"));
        for (int i = 0; i < cells; i++) {
            command.add("--srv-host=_http._tcp." + SERVICE + ",wp-warmpath-cell-" + i + "." + SERVICE + ",8090");
        }
        Path log = Files.createTempFile("dnsmasq", ".log");
        log.toFile().deleteOnExit();
        dnsmasq = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Ready once it answers; a fresh discovery would keep nothing while it is not.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && dnsmasq.isAlive()) {
            if (answers()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("dnsmasq did not answer on port " + port + ": " + Files.readString(log));
    }

    /** dnsmasq listens on UDP and TCP: a port free for one may be taken for the other. */
    private static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0); ServerSocket tcp = new ServerSocket(udp.getLocalPort())) {
                return tcp.getLocalPort();
            }
            catch (BindException taken) {
                // Try another.
            }
        }
        throw new IllegalStateException("No port free for both UDP and TCP");
    }

    private boolean answers() {
        CellsDnsDiscovery probe = new CellsDnsDiscovery(new CellDiscoveryProperties.CellsDns("probe.cluster.local",
                "http", "dns://127.0.0.1:" + port, Duration.ofMillis(200), Map.of()));
        probe.current();
        return !probe.failing();
    }

    private void stop() throws InterruptedException {
        if (dnsmasq != null) {
            dnsmasq.destroy();
            dnsmasq.waitFor(5, TimeUnit.SECONDS);
            dnsmasq = null;
        }
    }
}
