package io.warmpath.gateway.sessions;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.DataClass;
import io.netty.channel.ChannelOption;
import io.warmpath.contracts.sessions.SessionServiceApi;
import io.warmpath.gateway.assertions.GatewayAssertions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import reactor.netty.http.client.HttpClient;

@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {

    /** session-service's internal API with a short timeout: routing waits for it. */
    @Bean
    SessionServiceApi sessionServiceApi(SessionProperties sessions) {
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, sessions.timeout().toMillis()))
                .responseTimeout(sessions.timeout());
        WebClient webClient = WebClient.builder()
                .baseUrl(sessions.url().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
        return HttpServiceProxyFactory.builderFor(WebClientAdapter.create(webClient)).build()
                .createClient(SessionServiceApi.class);
    }

    @Bean
    TenantDirectory tenantDirectory(SessionServiceApi api, SessionProperties sessions, GatewayAssertions assertions,
            Ticker ticker) {
        return new TenantDirectory(api, assertions, sessions.timeout(), sessions.tenantDefaultsRefresh(),
                sessions.tenantDefaultsKeep(), DataClass.fromWire(sessions.unknownTenantDataClass()), ticker);
    }

    @Bean
    SessionDirectory sessionDirectory(SessionServiceApi api, SessionProperties sessions, GatewayAssertions assertions,
            Ticker ticker, MeterRegistry meterRegistry) {
        return new SessionDirectory(new SessionClient(api, assertions, sessions.timeout()), sessions.nearCacheTtl(),
                sessions.nearCacheMaxStale(), sessions.nearCacheSize(), sessions.retryAfter(), ticker,
                meterRegistry);
    }
}
