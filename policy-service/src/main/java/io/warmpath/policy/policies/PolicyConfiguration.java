package io.warmpath.policy.policies;

import java.time.Clock;

import com.cedarpolicy.AuthorizationEngine;
import com.cedarpolicy.BasicAuthorizationEngine;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

    /** Stateless over JNI and safe to share; loading it loads Cedar's native library (fails fast if it cannot). */
    @Bean
    AuthorizationEngine authorizationEngine() {
        return new BasicAuthorizationEngine();
    }

    @Bean
    PolicyStore policyStore(PolicyProperties properties, AuthorizationEngine engine, Clock clock,
            MeterRegistry meters) {
        return new PolicyStore(properties, engine, clock, meters);
    }
}
