package io.warmpath.gateway;

import java.time.Clock;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** The Warmpath edge: authenticates clients and routes each inference request to the cell that is warm for it. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }

    /** The one source of "now" for cells' ejection cooldowns, so tests can move time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The one monotonic source of cache ages (near cache, tenant defaults), so tests can move time. */
    @Bean
    Ticker ticker() {
        return Ticker.systemTicker();
    }
}
