package io.warmpath.gateway.tools;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who calls a tool, as its token describes them (the claims warmpath-cli's dev tokens carry).
 *
 * @param subject    {@code sub}
 * @param tenant     {@code tenant}
 * @param roles      {@code roles}
 * @param homeRegion {@code region}
 * @param clearance  {@code clearance}
 */
record ToolCaller(String subject, String tenant, List<String> roles, @Nullable String homeRegion,
        @Nullable String clearance) {

    static ToolCaller of(Jwt token, String tenant) {
        List<String> roles = token.hasClaim("roles") ? token.getClaimAsStringList("roles") : List.of();
        String subject = token.getSubject() == null ? "" : token.getSubject();
        return new ToolCaller(subject, tenant, roles == null ? List.of() : roles, token.getClaimAsString("region"),
                token.getClaimAsString("clearance"));
    }
}
