package io.warmpath.policy;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The policy service: answers {@code POST /v1/decisions} batches with Cedar, from policies, a schema and entity data
 * loaded from a directory (a ConfigMap in Kubernetes) and reloaded when they change. Internal only: the gateway does
 * not route it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class PolicyServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PolicyServiceApplication.class, args);
    }

    /** The one source of "now" for load times and audit records. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
