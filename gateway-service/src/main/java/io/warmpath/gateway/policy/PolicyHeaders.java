package io.warmpath.gateway.policy;

import io.warmpath.gateway.security.TrustedHeaders;

/**
 * The trusted headers a cell needs to re-check its own region with policy-service: the data's class and pinned
 * region, and the caller's roles, clearance and home region. Like every {@code x-warmpath-*} header, a client's own
 * values are stripped by {@link TrustedHeaders} before these are set.
 */
public final class PolicyHeaders {

    /** {@code public}, {@code internal}, {@code confidential} or {@code regulated}; always set on inference routes. */
    public static final String DATA_CLASS = TrustedHeaders.PREFIX + "data-class";
    /** The region the session's data must stay in, when it has one. */
    public static final String DATA_REGION = TrustedHeaders.PREFIX + "data-region";
    /** The token's {@code roles}, comma-separated, when it has any. */
    public static final String ROLES = TrustedHeaders.PREFIX + "roles";
    /** The token's {@code clearance}, when it has one. */
    public static final String CLEARANCE = TrustedHeaders.PREFIX + "clearance";
    /** The token's {@code region}, when it has one. */
    public static final String HOME_REGION = TrustedHeaders.PREFIX + "home-region";

    private PolicyHeaders() {
    }
}
