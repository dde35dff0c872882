package io.warmpath.assertion;

import java.util.List;

import io.warmpath.contracts.assertion.Assertion;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/** A verified assertion as an {@link AssertionAuthentication}: the claims read once, scopes as authorities. */
public final class AssertionAuthenticationConverter implements Converter<Jwt, AssertionAuthentication> {

    @Override
    public AssertionAuthentication convert(Jwt jwt) {
        Assertion assertion = AssertionJwtDecoder.assertionOf(jwt);
        List<GrantedAuthority> authorities = assertion.scopes().stream()
                .<GrantedAuthority>map(scope -> new SimpleGrantedAuthority("SCOPE_" + scope))
                .toList();
        return new AssertionAuthentication(jwt, assertion, authorities);
    }
}
