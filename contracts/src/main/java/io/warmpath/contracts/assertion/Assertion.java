package io.warmpath.contracts.assertion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The one scope of the assertion a cell stores a turn's transcript with: it may store a transcript of that
     * assertion's session, and nothing else. Only the gateway grants it, never a user's token.
     */
    public static final String TRANSCRIPT_SCOPE = "artifacts:transcript";
    /**
     * Lets a cell store the summarization checkpoints ({@code kind=checkpoint}) of the assertion's session, and nothing
     * else. Only the gateway grants it, never a user's token.
     */
    public static final String CHECKPOINT_SCOPE = "artifacts:checkpoint";

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

    /**
     * The claims of this assertion, without the registered ones its issuer adds ({@code iss}, {@code aud},
     * {@code iat}, {@code exp}, {@code jti}); absent values are left out.
     */
    public Map<String, Object> toClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        put(claims, TENANT, tenant);
        put(claims, SUBJECT, subject);
        if (!scopes.isEmpty()) {
            claims.put(SCOPE, String.join(" ", scopes));
        }
        if (!roles.isEmpty()) {
            claims.put(ROLES, roles);
        }
        put(claims, CLEARANCE, clearance);
        put(claims, HOME_REGION, homeRegion);
        put(claims, WORKFLOW, workflow);
        claims.put(DATA_CLASS, dataClass.wireName());
        put(claims, DATA_REGION, dataRegion);
        if (session != null) {
            claims.put(SESSION, session);
            claims.put(SESSION_LIMITED, sessionLimited);
        }
        return claims;
    }

    /**
     * The assertion verified claims carry. A missing data class reads as the strictest; a session whose limits are
     * not stated has limits (its cell reserves), so a claim lost on the way never weakens a check.
     */
    public static Assertion fromClaims(Map<String, ?> claims) {
        String session = text(claims, SESSION);
        return new Assertion(text(claims, TENANT), text(claims, SUBJECT), scopes(claims.get(SCOPE)),
                strings(claims.get(ROLES)), text(claims, CLEARANCE), text(claims, HOME_REGION), text(claims, WORKFLOW),
                DataClass.fromWire(text(claims, DATA_CLASS)), text(claims, DATA_REGION), session,
                session != null && !Boolean.FALSE.equals(claims.get(SESSION_LIMITED)));
    }

    /** Whether the caller holds {@code scope}. */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** The same assertion with only {@code granted} as its scopes: for a call that may do that and nothing more. */
    public Assertion withScopes(List<String> granted) {
        return new Assertion(tenant, subject, granted, roles, clearance, homeRegion, workflow, dataClass, dataRegion,
                session, sessionLimited);
    }

    /** The same assertion about a request of another session (or none), with that session's data. */
    public Assertion forSession(@Nullable String sessionId, boolean limited, DataClass sessionDataClass,
            @Nullable String sessionDataRegion) {
        return new Assertion(tenant, subject, scopes, roles, clearance, homeRegion, workflow, sessionDataClass,
                sessionDataRegion, sessionId, limited);
    }

    private static void put(Map<String, Object> claims, String name, @Nullable String value) {
        if (value != null) {
            claims.put(name, value);
        }
    }

    private static @Nullable String text(Map<String, ?> claims, String name) {
        return claims.get(name) instanceof String value && !value.isEmpty() ? value : null;
    }

    private static List<String> scopes(@Nullable Object value) {
        if (value instanceof String text) {
            return Arrays.stream(text.split(" ")).filter(scope -> !scope.isEmpty()).toList();
        }
        return strings(value);
    }

    private static List<String> strings(@Nullable Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof Iterable<?> items) {
            for (Object item : items) {
                if (item instanceof String text) {
                    strings.add(text);
                }
            }
        }
        return strings;
    }
}
