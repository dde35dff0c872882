package io.warmpath.policy.policies;

import java.util.List;

/** A policy set that cannot be used: unreadable, unparsable, or not valid against the schema. */
public class InvalidPolicyException extends RuntimeException {

    private final List<String> problems;

    InvalidPolicyException(List<String> problems) {
        super("Invalid policy set: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
