package io.warmpath.contracts.assertion;

import java.util.List;
import java.util.Objects;

import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;

/**
 * What an internal assertion says about a request: who it acts for and about which data. The gateway derives every
 * value from the caller's verified token and the session service's answer; services behind it believe nothing else
 * (an {@code x-warmpath-*} header without a valid assertion means nothing).
 *
 * <p>On the wire each component is a JWT claim, named by the constants below; the JWT adds {@code iss}, {@code aud}
 * (the one service it is for), {@code iat}, {@code exp} and {@code jti}.
 *
 * @param tenant         the caller's tenant; {@code null} only for the gateway's own calls that act for no tenant
 *                       (probing a cell)
 * @param subject        the caller's {@code sub}; {@code null} when its token has none
 * @param scopes         the caller's scopes, as its token grants them
 * @param roles          the caller's roles
 * @param clearance      the highest data class the caller may touch, as its token says; {@code null}: none stated
 * @param homeRegion     the caller's region claim
 * @param workflow       the workflow the caller acts for ({@code x-workflow}), or the session's
 * @param dataClass      the class of the request's data: the session's, else the tenant's default
 * @param dataRegion     the region the request's data must stay in, when it is pinned
 * @param session        the session id ({@code ses_...}) of a turn; {@code null} without a session
 * @param sessionLimited whether that session has context limits or budgets, so its cell must reserve for each turn
 */
public record Assertion(@Nullable String tenant, @Nullable String subject, List<String> scopes, List<String> roles,
        @Nullable String clearance, @Nullable String homeRegion, @Nullable String workflow, DataClass dataClass,
        @Nullable String dataRegion, @Nullable String session, boolean sessionLimited) {

    public static final String TENANT = "tenant";
    public static final String SUBJECT = "sub";
    /** Space-separated, as OAuth 2 writes scopes. */
    public static final String SCOPE = "scope";
    public static final String ROLES = "roles";
    public static final String CLEARANCE = "clearance";
    public static final String HOME_REGION = "region";
    public static final String WORKFLOW = "workflow";
    public static final String DATA_CLASS = "data_class";
    public static final String DATA_REGION = "data_region";
    public static final String SESSION = "session";
    public static final String SESSION_LIMITED = "session_limited";

    public Assertion {
        scopes = List.copyOf(scopes);
        roles = List.copyOf(roles);
        Objects.requireNonNull(dataClass, "dataClass");
    }

    /** An assertion of the gateway itself, for calls that act for no caller (probing a cell). */
    public static Assertion service(String subject, List<String> scopes) {
        return new Assertion(null, subject, scopes, List.of(), null, null, null, DataClass.STRICTEST, null, null,
                false);
    }

    /** Whether the caller holds {@code scope}. */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** The same assertion about a request of another session (or none), with that session's data. */
    public Assertion forSession(@Nullable String sessionId, boolean limited, DataClass sessionDataClass,
            @Nullable String sessionDataRegion) {
        return new Assertion(tenant, subject, scopes, roles, clearance, homeRegion, workflow, sessionDataClass,
                sessionDataRegion, sessionId, limited);
    }
}
