package io.warmpath.gateway.sessions;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {

    @Bean
    SessionDirectory sessionDirectory(SessionProperties sessions, MeterRegistry meterRegistry) {
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, sessions.timeout().toMillis()))
                .responseTimeout(sessions.timeout());
        WebClient webClient = WebClient.builder()
                .baseUrl(sessions.url().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
        return new SessionDirectory(new SessionClient(webClient, sessions.timeout()), sessions.nearCacheTtl(),
                sessions.nearCacheMaxStale(), sessions.nearCacheSize(), sessions.retryAfter(), meterRegistry);
    }
}
