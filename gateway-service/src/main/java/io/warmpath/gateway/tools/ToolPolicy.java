package io.warmpath.gateway.tools;

import io.warmpath.contracts.DataClass;
import io.warmpath.gateway.security.Caller;
import reactor.core.publisher.Mono;

/**
 * The policy check before a tool call (action {@code invoke_tool} on resource {@code Tool}). Implementations fail
 * closed: an error or a timeout is a deny, and the returned {@link Mono} never errors.
 */
interface ToolPolicy {

    Mono<Verdict> decide(Caller caller, Tool tool, DataClass dataClass);

    /**
     * @param allowed whether the call may go ahead
     * @param reason  why, safe to show the caller
     */
    record Verdict(boolean allowed, String reason) {

        static Verdict allow(String reason) {
            return new Verdict(true, reason);
        }

        static Verdict deny(String reason) {
            return new Verdict(false, reason);
        }
    }
}
