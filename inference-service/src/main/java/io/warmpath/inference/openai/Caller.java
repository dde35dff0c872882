package io.warmpath.inference.openai;

import io.warmpath.contracts.assertion.Assertion;
import org.jspecify.annotations.Nullable;

/**
 * Who a request acts for, as the gateway asserted it, and the assertions it gave the cell for this request's calls
 * to session-service, policy-service and artifact-service.
 *
 * @param assertion          the verified assertion of the request
 * @param sessionsAssertion  for session-service; {@code null} when the gateway sent none
 * @param policyAssertion    for policy-service; {@code null} when the gateway sent none
 * @param artifactsAssertion for storing this turn's transcript at artifact-service; {@code null} unless the turn's
 *                           session records its transcript
 * @param checkpointsAssertion for storing the session's checkpoints at artifact-service; {@code null} unless the
 *                           turn's session checkpoints
 */
record Caller(Assertion assertion, @Nullable String sessionsAssertion, @Nullable String policyAssertion,
        @Nullable String artifactsAssertion, @Nullable String checkpointsAssertion) {
}
