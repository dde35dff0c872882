package io.warmpath.session;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * The session service: sessions and their affinity tokens, session-to-cell bindings, budgets (reserve, then settle)
 * and the per-session usage ledger, all in Redis. Only the gateway and the inference cells call it, with the gateway's
 * internal assertion naming the tenant.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SessionServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(SessionServiceApplication.class, args);
    }

    /** The one source of "now" for expiries and reservation deadlines, so tests can move time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
