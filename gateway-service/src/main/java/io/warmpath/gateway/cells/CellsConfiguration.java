package io.warmpath.gateway.cells;

import java.nio.file.Path;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.warmpath.gateway.assertions.GatewayAssertions;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class CellsConfiguration {

    @Bean
    CellRegistry cellRegistry(CellHealthProperties health, Clock clock, MeterRegistry meterRegistry) {
        return new CellRegistry(health.ejectionCooldown(), clock, meterRegistry);
    }

    @Bean
    CellProber cellProber(ReactiveDiscoveryClient discovery, CellRegistry registry, CellHealthProperties health,
            CellDiscoveryProperties cellDiscovery, GatewayAssertions assertions, JsonMapper json) {
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) health.probeTimeout().toMillis())
                .responseTimeout(health.probeTimeout());
        WebClient webClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
        // Not a bean: as one it would join the composite discovery client and add to the simple list, not replace it.
        ReactiveDiscoveryClient cells;
        if (cellDiscovery.cellsDns() != null) {
            cells = new CellsDnsDiscovery(cellDiscovery.cellsDns());
        } else if (cellDiscovery.cellsFile() != null && !cellDiscovery.cellsFile().isBlank()) {
            cells = new CellsFileDiscovery(Path.of(cellDiscovery.cellsFile()), json);
        } else {
            cells = discovery;
        }
        return new CellProber(cells, registry, webClient, assertions::cellProbe, health.probeInterval(),
                health.probeTimeout());
    }
}
