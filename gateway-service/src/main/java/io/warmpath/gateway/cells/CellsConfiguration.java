package io.warmpath.gateway.cells;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

@Configuration(proxyBeanMethods = false)
class CellsConfiguration {

    @Bean
    CellRegistry cellRegistry(CellHealthProperties health, MeterRegistry meterRegistry) {
        return new CellRegistry(health.ejectionCooldown(), Clock.systemUTC(), meterRegistry);
    }

    @Bean
    CellProber cellProber(ReactiveDiscoveryClient discovery, CellRegistry registry, CellHealthProperties health) {
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) health.probeTimeout().toMillis())
                .responseTimeout(health.probeTimeout());
        WebClient webClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
        return new CellProber(discovery, registry, webClient, health.probeInterval(), health.probeTimeout());
    }
}
