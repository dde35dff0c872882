package io.warmpath.inference.engine;

import io.netty.channel.ChannelOption;
import io.warmpath.inference.CellProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.netty.http.client.HttpClient;

/**
 * The one HTTP client this cell uses to reach its engine. Built here rather than from Boot's builder because the
 * webflux starter does not auto-configure one, and because the timeouts are the cell's own.
 */
@Configuration(proxyBeanMethods = false)
class EngineClientConfiguration {

    @Bean
    WebClient engineWebClient(CellProperties cell) {
        var timeouts = cell.timeouts();
        var httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(timeouts.connect().toMillis()))
                // Reactor Netty applies this between reads, so it bounds both time to first byte and mid-stream stalls.
                .responseTimeout(timeouts.response());
        return WebClient.builder()
                .baseUrl(cell.engineUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .codecs(codecs -> codecs.defaultCodecs()
                        .maxInMemorySize(Math.toIntExact(cell.maxBodySize().toBytes())))
                .build();
    }
}
