package io.warmpath.assertion;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderCharactersTest {

    @Test
    void namesAndValuesAgreeWithSpringSecuritysDefaultRulesOnEveryCodePoint() {
        List<String> disagreements = new ArrayList<>();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            if (Character.getType(codePoint) == Character.SURROGATE) {
                continue;
            }
            String text = "a" + Character.toString(codePoint) + "b";
            if (HeaderCharacters.NAMES.test(text) != StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(text)) {
                disagreements.add("name " + Integer.toHexString(codePoint));
            }
            if (HeaderCharacters.VALUES.test(text)
                    != StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(text)) {
                disagreements.add("value " + Integer.toHexString(codePoint));
            }
            if (HeaderCharacters.NAMES.test(text) != StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(text)
                    || HeaderCharacters.VALUES.test(text) != StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(text)) {
                disagreements.add("servlet " + Integer.toHexString(codePoint));
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void agreeOnLoneSurrogatesAndTypicalValues() {
        for (String text : List.of("", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig", "\uD800", "x\uDC00y", "tab\there",
                "line\nfeed", "caf\u00e9", "\uD83D\uDE00 smile", "\u0085next", "del\u007f")) {
            assertThat(HeaderCharacters.VALUES.test(text)).as("value %s", text.codePoints().boxed().toList())
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(text));
            assertThat(HeaderCharacters.NAMES.test(text)).as("name %s", text.codePoints().boxed().toList())
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(text));
        }
        assertThat(HeaderCharacters.VALUES.test(null))
                .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(null));
        assertThat(HeaderCharacters.NAMES.test(null))
                .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(null));
        assertThat(HeaderCharacters.VALUES.test("tab\there")).isTrue();
        assertThat(HeaderCharacters.VALUES.test("line\nfeed")).isFalse();
    }
}
