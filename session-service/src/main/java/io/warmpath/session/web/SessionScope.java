package io.warmpath.session.web;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;

/**
 * A turn's assertion is about one session: calls about another session with it are refused, so a cell that holds
 * the assertion of one session cannot reserve or bind for another one of the same tenant.
 */
public final class SessionScope {

    private SessionScope() {
    }

    /** 403 when the assertion names a session other than {@code sessionId}; nothing when it names none. */
    public static void requireSession(Assertion caller, String sessionId) {
        if (caller.session() != null && !caller.session().equals(sessionId)) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INSUFFICIENT_SCOPE,
                    "The internal assertion is for another session."));
        }
    }
}
