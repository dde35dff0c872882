package io.warmpath.policy.decisions;

import java.util.List;

/**
 * The answer to one {@link Question}.
 *
 * @param allowed  allow or deny
 * @param policies the ids of the policies that decided, sorted; empty for a default deny
 * @param reason   why, in a sentence
 */
record Verdict(boolean allowed, List<String> policies, String reason) {

    String decision() {
        return allowed ? "allow" : "deny";
    }
}
