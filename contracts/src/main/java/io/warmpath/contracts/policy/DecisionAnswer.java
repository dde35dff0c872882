package io.warmpath.contracts.policy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;

/**
 * One decision. A client treats anything but an explicit {@value #ALLOW} as a deny.
 *
 * @param decision {@value #ALLOW} or {@value #DENY}
 * @param policies the ids of the policies that decided; empty for a default deny
 * @param reason   why, in a sentence
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecisionAnswer(@Nullable String decision, @Nullable List<String> policies, @Nullable String reason) {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
}
