package io.warmpath.artifacts;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The artifact service: {@code /v1/artifacts} behind the gateway, keeping each tenant's artifacts in S3 buckets per
 * region, under policy-service's decisions on region and data class.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ArtifactServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ArtifactServiceApplication.class, args);
    }

    /** The one source of "now": creation times, expiry, presigned URLs. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
