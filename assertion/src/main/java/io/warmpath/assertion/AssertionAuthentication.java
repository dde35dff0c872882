package io.warmpath.assertion;

import java.util.Collection;

import io.warmpath.contracts.assertion.Assertion;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * A request authenticated by an internal assertion. Its principal is the {@link Assertion} (handler methods take it
 * with {@code @AuthenticationPrincipal Assertion}); its authorities are the caller's scopes as {@code SCOPE_*}.
 */
public final class AssertionAuthentication extends AbstractOAuth2TokenAuthenticationToken<Jwt> {

    private final Assertion assertion;

    AssertionAuthentication(Jwt jwt, Assertion assertion, Collection<? extends GrantedAuthority> authorities) {
        super(jwt, assertion, jwt, authorities);
        this.assertion = assertion;
        setAuthenticated(true);
    }

    public Assertion assertion() {
        return assertion;
    }

    @Override
    public java.util.Map<String, Object> getTokenAttributes() {
        return getToken().getClaims();
    }

    @Override
    public String getName() {
        return assertion.subject() != null ? assertion.subject() : String.valueOf(assertion.tenant());
    }
}
