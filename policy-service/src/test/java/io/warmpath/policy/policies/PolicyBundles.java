package io.warmpath.policy.policies;

import java.time.Clock;

import com.cedarpolicy.BasicAuthorizationEngine;

/** Policy bundles for tests and benchmarks, without a Spring context. */
public final class PolicyBundles {

    private PolicyBundles() {
    }

    /** The shipped defaults, compiled and validated as the service does at start-up. */
    public static PolicyBundle defaults() {
        return new PolicyCompiler(new BasicAuthorizationEngine(), Clock.systemUTC())
                .compile(PolicyFiles.fromClasspath());
    }
}
