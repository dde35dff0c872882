package io.warmpath.assertion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import org.jspecify.annotations.Nullable;

/** An {@link Assertion} as JWT claims and back; both directions, so that what is signed is what is read. */
final class AssertionClaims {

    private AssertionClaims() {
    }

    /** The claims of an assertion, without the registered ones the issuer adds. */
    static void write(Assertion assertion, ClaimWriter claims) {
        claims.put(Assertion.TENANT, assertion.tenant());
        claims.put(Assertion.SUBJECT, assertion.subject());
        if (!assertion.scopes().isEmpty()) {
            claims.put(Assertion.SCOPE, String.join(" ", assertion.scopes()));
        }
        if (!assertion.roles().isEmpty()) {
            claims.put(Assertion.ROLES, assertion.roles());
        }
        claims.put(Assertion.CLEARANCE, assertion.clearance());
        claims.put(Assertion.HOME_REGION, assertion.homeRegion());
        claims.put(Assertion.WORKFLOW, assertion.workflow());
        claims.put(Assertion.DATA_CLASS, assertion.dataClass().wireName());
        claims.put(Assertion.DATA_REGION, assertion.dataRegion());
        claims.put(Assertion.SESSION, assertion.session());
        if (assertion.session() != null) {
            claims.put(Assertion.SESSION_LIMITED, assertion.sessionLimited());
        }
    }

    /**
     * The assertion that verified claims carry. A missing data class reads as the strictest; a session whose limits
     * are not stated has limits (its cell reserves), so a claim lost on the way never weakens a check.
     */
    static Assertion read(Map<String, Object> claims) {
        String session = text(claims, Assertion.SESSION);
        Object limited = claims.get(Assertion.SESSION_LIMITED);
        return new Assertion(text(claims, Assertion.TENANT), text(claims, Assertion.SUBJECT),
                scopes(claims.get(Assertion.SCOPE)), strings(claims.get(Assertion.ROLES)),
                text(claims, Assertion.CLEARANCE), text(claims, Assertion.HOME_REGION),
                text(claims, Assertion.WORKFLOW), DataClass.fromWire(text(claims, Assertion.DATA_CLASS)),
                text(claims, Assertion.DATA_REGION), session,
                session != null && !Boolean.FALSE.equals(limited));
    }

    private static @Nullable String text(Map<String, Object> claims, String name) {
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

    /** Where claims are written; null values are left out. */
    @FunctionalInterface
    interface ClaimWriter {
        void put(String name, @Nullable Object value);
    }
}
