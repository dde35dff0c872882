package io.warmpath.assertion;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/**
 * Spring Security's firewall rules for header names and values, without the regular expressions: every character
 * assigned in Unicode and not a control character ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}), except that a
 * value may also hold tabs. The
 * firewall checks every header of every request with it before anything else; the expression walks each
 * character through Unicode property lookups, and the internal assertion headers are hundreds of characters long,
 * so it was a measurable share of a cell's time per request. Same rule, an ASCII fast path.
 */
public final class HeaderCharacters {

    /** Accepts exactly the header names Spring Security's default rule accepts. */
    public static final Predicate<String> NAMES = name -> allowed(name, false);

    /** Accepts exactly the header values Spring Security's default rule accepts. */
    public static final Predicate<String> VALUES = value -> allowed(value, true);

    private HeaderCharacters() {
    }

    private static boolean allowed(@Nullable String text, boolean tabs) {
        if (text == null) {
            // A header asked for and absent: nothing to check, as with Spring Security's rule.
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F || tabs && c == '\t') {
                continue;
            }
            // Outside printable ASCII: the general rule, by code point (a surrogate pair is one character).
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(codePoint) - 1;
        }
        return true;
    }

    /** The reactive firewall with Spring Security's defaults and this header rule. */
    public static StrictServerWebExchangeFirewall reactiveFirewall() {
        StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
        firewall.setAllowedHeaderNames(NAMES);
        firewall.setAllowedHeaderValues(VALUES);
        return firewall;
    }

    /** The servlet firewall with Spring Security's defaults and this header rule. */
    public static StrictHttpFirewall servletFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(NAMES);
        firewall.setAllowedHeaderValues(VALUES);
        return firewall;
    }
}
