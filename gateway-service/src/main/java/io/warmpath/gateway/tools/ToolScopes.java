package io.warmpath.gateway.tools;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.server.authorization.AuthorizationContext;

/**
 * Tool scopes: a token may run tool {@code x}, and offer it to a model, only with scope {@code tools:x}. There is no
 * wildcard.
 */
public final class ToolScopes {

    /** The path of a tool call; {@code name} is the tool. */
    public static final String INVOKE_PATH = "/v1/tools/{name}/invoke";

    static final String SCOPE_PREFIX = "tools:";
    private static final String AUTHORITY_PREFIX = "SCOPE_" + SCOPE_PREFIX;

    private ToolScopes() {
    }

    /** For {@link #INVOKE_PATH}: grants the request when the token has scope {@code tools:<name>}. */
    public static ReactiveAuthorizationManager<AuthorizationContext> invokeAuthorization() {
        return (authentication, context) -> authentication
                .<AuthorizationResult>map(auth -> {
                    Object name = context.getVariables().get("name");
                    return new AuthorizationDecision(auth.isAuthenticated() && name instanceof String tool
                            && toolsOf(auth.getAuthorities()).contains(tool));
                })
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /** The tool names the token is scoped for. */
    static Set<String> toolsOf(Authentication authentication) {
        return toolsOf(authentication.getAuthorities());
    }

    private static Set<String> toolsOf(Collection<? extends GrantedAuthority> authorities) {
        return authorities.stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority != null && authority.startsWith(AUTHORITY_PREFIX))
                .map(authority -> authority.substring(AUTHORITY_PREFIX.length()))
                .collect(Collectors.toUnmodifiableSet());
    }
}
