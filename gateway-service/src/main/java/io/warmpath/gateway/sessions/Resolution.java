package io.warmpath.gateway.sessions;

import java.time.Duration;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;

import io.warmpath.contracts.sessions.ResolvedSession;

/** The answer to "which session is this affinity value?" */
public sealed interface Resolution {

    record Found(ResolvedSession session) implements Resolution {
    }

    /** An unknown, revoked or closed token, or another tenant's: 404, revealing nothing. */
    record NotFound() implements Resolution {
    }

    /** The request's {@code x-workflow} differs from the session's. */
    record WorkflowMismatch() implements Resolution {
    }

    /** session-service rejected the affinity or workflow value itself (too long, or a malformed workflow). */
    record Rejected() implements Resolution {
    }

    /**
     * session-service refused the gateway's own call as unauthenticated (401: it does not trust the gateway's
     * assertion, say its key set lacks the signing key). A fault of the deployment, not an outage: nothing the client
     * or a retry can fix.
     */
    record Refused() implements Resolution {
    }

    /**
     * session-service would have opened an implicit session, but the tenant has its cap of open ones (429): the
     * client's to fix, so never served without a session instead.
     *
     * @param retryAfter session-service's {@code Retry-After}
     */
    record LimitReached(Duration retryAfter) implements Resolution {

        /** The client's answer: 429 {@code session_limit_exceeded}. */
        public ApiErrorException refusal() {
            return new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_LIMIT_EXCEEDED, "This tenant has as "
                    + "many implicit sessions open as it may; close one, let one expire, or reuse an affinity value.",
                    retryAfter));
        }
    }

    /** session-service did not answer in time, could not be reached, or failed. */
    record Unavailable(String cause) implements Resolution {

        static final String OVERLOADED = "overloaded";

        /** session-service turned the call away at its concurrency limit, before doing anything. */
        public boolean overloaded() {
            return OVERLOADED.equals(cause);
        }
    }
}
