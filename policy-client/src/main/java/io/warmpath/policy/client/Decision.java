package io.warmpath.policy.client;

import java.util.List;

import io.warmpath.contracts.errors.ErrorCode;

/**
 * policy-service's answer to one {@link io.warmpath.contracts.policy.DecisionRequest}, or the deny the client substitutes when it could not get
 * one (fail closed).
 *
 * @param outcome  allow, or why not
 * @param policies the ids of the policies that decided (empty for a default deny and for a client-side deny)
 * @param reason   a short explanation, safe to show to the caller
 */
public record Decision(Outcome outcome, List<String> policies, String reason) {

    public Decision {
        policies = List.copyOf(policies);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }

    /**
     * The error a deny is answered with: {@code region_not_allowed} when a deciding policy is about regions (its id
     * says so, as {@code regulated-outside-tenant-regions} does), else {@code data_class_not_allowed}.
     */
    public ErrorCode refusal() {
        return policies.stream().anyMatch(policy -> policy.contains("region")) ? ErrorCode.REGION_NOT_ALLOWED
                : ErrorCode.DATA_CLASS_NOT_ALLOWED;
    }

    static Decision failedClosed(Outcome cause, String reason) {
        return new Decision(cause, List.of(), reason);
    }

    /** Allow, or the cause of a deny. */
    public enum Outcome {
        ALLOW("allow"),
        /** policy-service said no. */
        DENIED("denied"),
        /** policy-service refused the question as malformed (400): the caller's claims are not usable. */
        REJECTED("rejected"),
        /** policy-service answered, but not with a usable decision (a 4xx/5xx, a malformed or short answer). */
        ERROR("error"),
        /** No answer within the deadline. */
        TIMEOUT("timeout"),
        /** policy-service could not be reached, or said it is unavailable (503). */
        UNAVAILABLE("unavailable");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /** The lower-case name used in metrics. */
        public String tag() {
            return tag;
        }
    }
}
