package io.warmpath.gateway.security;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.sessions.RateLimits;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who a request acts for, from its verified token: everything the services behind the gateway learn about the
 * caller, and only through the internal assertion the gateway signs with these values.
 *
 * @param tenant     the {@code tenant} claim
 * @param subject    the {@code sub} claim; {@code null} when the token has none
 * @param scopes     the token's scopes ({@code scope}, space-separated, or {@code scp})
 * @param roles      the {@code roles} claim
 * @param homeRegion the {@code region} claim
 * @param clearance  the {@code clearance} claim: the highest data class the caller may touch
 * @param apiKey     the API key the request presented, when it was one (not a JWT): its rate limits apply too
 */
public record Caller(String tenant, @Nullable String subject, List<String> scopes, List<String> roles,
        @Nullable String homeRegion, @Nullable String clearance, @Nullable ApiKey apiKey) {

    /**
     * The API key a request presented.
     *
     * @param id     its id ({@code key_...})
     * @param limits its own rate limits
     */
    public record ApiKey(String id, RateLimits limits) {
    }

    /** The subject policy asks about for a token without one. */
    static final String ANONYMOUS = "anonymous";
    static final int MAX_ROLES = 64;
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]{1,256}");

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
        scopes = List.copyOf(scopes);
        roles = List.copyOf(roles);
    }

    /** A caller with a tenant and subject and nothing else (tests, and tokens that carry no more). */
    public static Caller of(String tenant, @Nullable String subject) {
        return new Caller(tenant, subject, List.of(), List.of(), null, null, null);
    }

    /**
     * The caller a verified token describes. Its claims must be ones policy can work with: a clearance that is a data
     * class, a region of the usual shape, at most {@value #MAX_ROLES} roles of printable text. Anything else is the
     * caller's mistake, a 400 {@code invalid_token_claims}, rather than a question policy-service would refuse.
     */
    static Caller of(Jwt token, String tenant) {
        Object roles = token.getClaims().get("roles");
        return new Caller(tenant, token.getSubject(), scopesOf(token), rolesOf(roles),
                region(token.getClaims().get("region")), clearance(token.getClaims().get("clearance")),
                ApiKeyJwtDecoder.apiKeyOf(token));
    }

    private static List<String> rolesOf(@Nullable Object roles) {
        if (roles == null) {
            return List.of();
        }
        if (!(roles instanceof List<?> list) || list.size() > MAX_ROLES
                || !list.stream().allMatch(role -> role instanceof String text && PRINTABLE.matcher(text).matches())) {
            throw invalidClaim("roles", "must be a list of at most " + MAX_ROLES + " names of printable text");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static @Nullable String region(@Nullable Object region) {
        if (region == null) {
            return null;
        }
        if (!(region instanceof String text) || !REGION.matcher(text).matches()) {
            throw invalidClaim("region", "must match [A-Za-z0-9._-]{1,64}");
        }
        return text;
    }

    private static @Nullable String clearance(@Nullable Object clearance) {
        if (clearance == null) {
            return null;
        }
        if (!(clearance instanceof String text) || DataClass.parse(text).filter(known -> known.wireName().equals(text))
                .isEmpty()) {
            throw invalidClaim("clearance", "must be one of public, internal, confidential, regulated");
        }
        return text;
    }

    private static ApiErrorException invalidClaim(String claim, String problem) {
        return new ApiErrorException(ErrorCode.INVALID_TOKEN_CLAIMS, "The token's '" + claim + "' claim " + problem
                + ".");
    }

    /** The caller as policy-service asks about it; a token without {@code sub} acts as its tenant's anonymous caller. */
    public Principal principal() {
        return new Principal(subject == null || subject.isBlank() ? ANONYMOUS : subject, tenant, roles, homeRegion,
                clearance);
    }

    /** What the gateway asserts about a request of this caller, about data of {@code dataClass}. */
    public Assertion assertion(@Nullable String workflow, DataClass dataClass, @Nullable String dataRegion,
            @Nullable String session, boolean sessionLimited) {
        return new Assertion(tenant, subject, scopes, roles, clearance, homeRegion, workflow, dataClass, dataRegion,
                session, sessionLimited);
    }

    /**
     * What the gateway asserts when it calls a service for this caller about no data in particular (resolving a
     * session, asking policy): the data class is the strictest, so the assertion can never be taken as licence for
     * weaker handling.
     */
    public Assertion assertion() {
        return assertion(null, DataClass.STRICTEST, null, null, false);
    }

    private static List<String> scopesOf(Jwt token) {
        Object scope = token.getClaims().get("scope");
        List<String> scopes;
        if (scope instanceof String text) {
            scopes = Arrays.asList(text.split(" "));
        }
        else {
            List<String> scp = token.hasClaim("scp") ? token.getClaimAsStringList("scp") : null;
            scopes = scp == null ? List.of() : scp;
        }
        // The transcript and checkpoint scopes are the gateway's to grant, for one session's turn: a token naming
        // them gets neither.
        return scopes.stream().filter(part -> !part.isBlank() && !part.equals(Assertion.TRANSCRIPT_SCOPE)
                && !part.equals(Assertion.CHECKPOINT_SCOPE)).toList();
    }
}
