package io.warmpath.redaction;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The standard detectors, in the order they run. Secrets with a fixed prefix come first, so that later, looser
 * detectors (phone numbers) never see half of a key; IBANs run before cards and phones for the same reason. Values
 * found by their name (an Authorization header, a credential-named member or setting) come after the prefixed
 * secrets, so that a key keeps its own kind, and leave alone what those have already redacted. Each replacement
 * ({@code [REDACTED:kind]}) holds no digits, so it cannot feed a later detector.
 */
final class Detectors {

    /** Not preceded by a character that would make the match the middle of a longer token. */
    private static final String TOKEN_START = "(?<![A-Za-z0-9_-])";

    /**
     * Where a credential word may start within a name: after anything but a letter or a digit (a quote, a blank, or
     * a separator as in {@code db_password}, {@code spring.datasource.password}, {@code x-api-key}), or as the next
     * camelCase word ({@code dbPassword}). A credential word inside a word ({@code compassword}) is not a name. The
     * words before it are not matched: the regex starts at the credential word, where a clean line fails fast.
     */
    private static final String WORD_START = "(?:(?<![A-Za-z0-9])|(?=[A-Z])(?<=[a-z0-9]))";

    /**
     * Names whose value is a secret whatever it looks like (matched without case): passwords, secrets, API and
     * other keys, credentials, and tokens that are credentials by name. Plain {@code token} is not among them: see
     * {@link #OPAQUE_VALUE}.
     */
    private static final String SECRET_NAME = "(?i:pass(?:word|wd|phrase)|secret|credentials?"
            + "|(?:api|access|secret|private|signing|encryption|master|client|subscription|auth)[_.-]?key"
            + "|(?:access|refresh|id|auth|bearer|session|api|oauth|bot|app|security|personal[_.-]?access)"
            + "[_.-]?token)";

    /** The name's closing quote, if any, and a JSON, YAML or HTTP-header colon or a settings equals sign. */
    private static final String NAME_END = "(?:\\\\?[\"'])?[ \\t]*[:=][ \\t]*";

    /**
     * Escapes a quoted value may hold before the rest of its line is taken as the value. The escape loops are
     * unrolled and counted because java.util.regex recurses once per turn of a group loop: a value of many
     * thousand escapes must not overflow the stack of the thread that logs it.
     */
    private static final int MAX_ESCAPES = 64;

    /** Characters of a double-quoted value other than the quote, a backslash or a line break. */
    private static final String PLAIN_IN_DOUBLE_QUOTES = "[^\"\\\\\\r\\n]*+";

    /**
     * The inside of JSON quoted inside a string ({@code \"...\"}): four backslashes are a backslash of the value,
     * three and a quote are a quote of it, {@code \"} is the end.
     */
    private static final String ESCAPED_QUOTES_BODY = "(?<=\\\\\")(?!\\\\\"|[\\r\\n]|\\z)" + PLAIN_IN_DOUBLE_QUOTES
            + "(?:(?:\\\\{4}|\\\\{3}\"|\\\\{1,2}[^\"\\\\\\r\\n])" + PLAIN_IN_DOUBLE_QUOTES + "){0," + MAX_ESCAPES
            + "}+(?:(?!\\\\\")\\\\[^\\r\\n]*+)?";

    /**
     * Group 1 is a value: the text inside its quotes (double, single, or {@code \"} in JSON quoted inside a
     * string), escapes and all, up to the closing quote or the end of the line; or an unquoted run of 4 or more
     * characters up to a blank, quote or separator, not ending in a backslash or in the bracket that closes a map or
     * a record's toString ({@code {password=...}}, {@code Login[password=...]}). The lookbehinds pick the closing
     * quote that the opening one asks for.
     */
    private static final String VALUE = "(?:\\\\\"|[\"'])?(" + ESCAPED_QUOTES_BODY + "|" + quotedBody('"') + "|"
            + quotedBody('\'') + "|(?<![\\\\\"'])[^\\s\"'&,;\\[]{3,}[^\\s\"'&,;\\[)\\]}\\\\])";

    /**
     * Group 1 is a value that looks like a token rather than a word: 16 or more base64, base64url, hex or JWT
     * characters, quoted or not, and nothing else up to the closing quote or the next blank or separator.
     */
    private static final String OPAQUE_VALUE =
            "(?:\\\\?[\"'])?([A-Za-z0-9._~+/=-]{16,})(?![^\\s\"'\\\\,;&)}\\]])";

    /** What another detector left of a value, such as {@code Bearer [REDACTED:jwt]}: nothing more to hide. */
    private static final Pattern ALREADY_REDACTED =
            Pattern.compile("(?:[A-Za-z]+\\s+)?\\[REDACTED:[a-z_]+\\](?:\\s|\\\\[nr])*");

    /** Values that say a secret is absent or set, not what it is. */
    private static final Pattern LITERAL = Pattern.compile("(?i)null|true|false|none|nil|undefined");

    private Detectors() {
    }

    static List<Detector> standard() {
        return List.of(
                // A PEM block up to its END line; a truncated one is redacted to the end of the text.
                Detector.of("private_key", "-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?"
                        + "(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\\z)", contains("PRIVATE KEY")),
                // Header and payload are base64url JSON ({"...} encodes as eyJ); alg=none has an empty signature.
                Detector.of("jwt", TOKEN_START + "eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*",
                        contains("eyJ")),
                // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and the other sk- vendors (Anthropic sk-ant-).
                Detector.of("api_key", TOKEN_START + "sk-[A-Za-z0-9_-]{20,}", contains("sk-")),
                // Secret and restricted keys, live and test, and webhook signing secrets. Publishable keys (pk_)
                // are kept: Stripe has them shipped in web pages and apps, and they identify an account in logs.
                Detector.of("stripe_key", TOKEN_START + "(?:[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"
                        + "|whsec_[A-Za-z0-9+/=]{24,})", contains("k_live_", "k_test_", "whsec_")),
                // Google Cloud and Gemini API keys: AIza and 35 more characters, no fewer, no more.
                Detector.of("google_api_key", TOKEN_START + "AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])",
                        contains("AIza")),
                Detector.of("huggingface_token", TOKEN_START + "hf_[A-Za-z0-9]{30,}", contains("hf_")),
                Detector.of("github_token", TOKEN_START
                        + "(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})", contains("gh", "github_pat_")),
                // Bot, user, app, refresh (xoxe), client and cookie tokens: xox, a letter and a dash, and the
                // refresh form xoxe.xoxp-. Cookie tokens (xoxd-) are URL-encoded.
                Detector.of("slack_token", TOKEN_START + "xox[a-z](?:\\.xox[a-z])?-[A-Za-z0-9%-]{10,}",
                        contains("xox")),
                Detector.of("aws_access_key", "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",
                        contains("AKIA", "ASIA")),
                // Secret access keys are 40 plain base64 characters: only recognisable next to their name.
                Detector.ofValue("aws_secret_key", "(?i)(?:aws_?)?secret_?access_?key[\"']?\\s*[:=]\\s*"
                        + "[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", contains("ecret", "ECRET")),
                // Warmpath session affinity tokens: wpt_ and 43 base64url characters.
                Detector.of("warmpath_token", TOKEN_START + "wpt_[A-Za-z0-9_-]{16,}", contains("wpt_")),
                // Warmpath API keys: wpk_ and 43 base64url characters.
                Detector.of("warmpath_api_key", TOKEN_START + "wpk_[A-Za-z0-9_-]{16,}", contains("wpk_")),
                // The credentials of an Authorization header, member or map entry, whatever the scheme (Basic,
                // Bearer, Token, none); the scheme stays. A value a detector above has redacted is left alone.
                new Detector("authorization", Pattern.compile("(?i)(?<![A-Za-z0-9])authorization" + NAME_END
                        + "(?!\\[REDACTED:)(?:\\\\?[\"']|\\[)?(?>(?:[A-Za-z][A-Za-z0-9_-]*[ \\t]+)?)"
                        + "([^\\s\"'\\\\,;\\[\\]]+)"), 1,
                        contains("uthorization", "UTHORIZATION"), Detectors::isUnredactedSecret),
                // Bearer tokens anywhere else (RFC 6750 characters, a trailing full stop is the sentence's). A word
                // (Bearer token, Bearer authentication) or an auth-param (Bearer realm="...") is not a token: a
                // token has a digit or is 20 characters or longer.
                new Detector("bearer_token", Pattern.compile("(?i)(?<![A-Za-z0-9_-])bearer[ \\t]+"
                        + "([A-Za-z0-9_~+/-](?:[A-Za-z0-9._~+/-]*[A-Za-z0-9_~+/-])?=*)"), 1,
                        contains("earer", "EARER"), Detectors::looksLikeToken),
                // Values of credential-named JSON members, YAML and properties keys, environment variables and
                // query parameters (LiteLLM leaked Gemini ?key= this way); the name stays, so a log still says
                // which field it was. Unquoted values need 4 characters; null, true and false are kept.
                new Detector("credential", Pattern.compile(WORD_START + "(?:(?<=[?&;])(?i:key)|" + SECRET_NAME + ")"
                        + NAME_END + VALUE), 1,
                        text -> hasValueNamed(text, Detectors::endsWithSecretName),
                        Detectors::isUnredactedSecret),
                // Other names ending in token, which are often not credentials: logprobs ("token": "Hello"),
                // tokenizer settings ("eos_token": "</s>"), counts ("max_token": 100). Only opaque values go.
                new Detector("credential", Pattern.compile(WORD_START + "(?i:token)" + NAME_END + OPAQUE_VALUE), 1,
                        text -> hasValueNamed(text, (line, end) -> endsWithLetters(line, end, "token")),
                        candidate -> true),
                Detector.of("email", "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@"
                        + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])",
                        contains("@")),
                // Country code, check digits, 11-30 letters or digits, in groups of four or not; checked mod 97.
                new Detector("iban", Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}"
                        + "(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"), 0, Detectors::hasIbanStart,
                        Checksums::passesIbanCheck),
                // 13-19 digits, optionally grouped by single spaces or dashes, starting like a card network's
                // numbers (22-27 and 5: Mastercard, 3: Amex, Diners, JCB, 4: Visa, 6: Discover, UnionPay, Maestro)
                // and Luhn-valid. The prefix keeps epoch milliseconds (1...) and compact dates (20...) out.
                new Detector("card", Pattern.compile("(?<![0-9][ -]?)(?<![A-Za-z0-9.,])(?=2[2-7]|[3-6])"
                        + "[0-9](?:[ -]?[0-9]){12,18}(?![ -]?[0-9])(?![A-Za-z0-9])"), 0,
                        text -> hasDigitRun(text, 13, " -"),
                        candidate -> Checksums.passesLuhn(Checksums.digitsOf(candidate))),
                // E.164 (+ and 9-15 digits, any common grouping), and national numbers only in the shapes people
                // write them: a trunk 0 or an area code in brackets, or NNN-NNN-NNNN. Bare digit runs (ids,
                // timestamps) and dates never qualify, nor does the tail of a longer run of digit groups.
                new Detector("phone", Pattern.compile("(?<![A-Za-z0-9+._/-])(?<![0-9] )(?:"
                        + "\\+[1-9](?:[ .-]?\\(?[0-9]\\)?){6,14}"
                        + "|\\([0-9]{2,5}\\) ?[0-9]{3,4}[ -]?[0-9]{3,5}"
                        + "|0[0-9]{2,4}[ /-][0-9]{3,4}[ -]?[0-9]{2,5}"
                        + "|[2-9][0-9]{2}([-.])[0-9]{3}\\1[0-9]{4})"
                        + "(?![A-Za-z0-9_]|[-.:/][0-9])"), 0, text -> hasDigitRun(text, 9, " .-/()+"),
                        candidate -> digitCountBetween(candidate, 9, 15)));
    }

    private static Predicate<String> contains(String... needles) {
        return text -> {
            for (String needle : needles) {
                if (text.contains(needle)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The inside of a value quoted with {@code quote}, backslash escapes and all. */
    private static String quotedBody(char quote) {
        String plain = "[^" + quote + "\\\\\\r\\n]*+";
        return "(?<=[^\\\\]" + quote + ")(?=[^" + quote + "\\r\\n])" + plain + "(?:\\\\[^\\r\\n]" + plain + "){0,"
                + MAX_ESCAPES + "}+(?:\\\\[^\\r\\n]*+)?";
    }

    /** Where a name ends: a test of the characters before {@code end}. */
    @FunctionalInterface
    private interface NameEnding {
        boolean isAt(String text, int end);
    }

    /**
     * Whether some name that {@code ending} accepts is followed by a colon or an equals sign, with a closing quote
     * and blanks allowed between: the cheap gate of the credential detectors. It visits only colons and equals signs.
     */
    private static boolean hasValueNamed(String text, NameEnding ending) {
        int colon = text.indexOf(':');
        int equals = text.indexOf('=');
        while (colon >= 0 || equals >= 0) {
            int separator;
            if (equals < 0 || colon >= 0 && colon < equals) {
                separator = colon;
                colon = text.indexOf(':', colon + 1);
            } else {
                separator = equals;
                equals = text.indexOf('=', equals + 1);
            }
            int end = separator;
            while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
                end--;
            }
            if (end > 0 && (text.charAt(end - 1) == '"' || text.charAt(end - 1) == '\'')) {
                end -= end > 1 && text.charAt(end - 2) == '\\' ? 2 : 1;
            }
            if (end > 0 && ending.isAt(text, end)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the last word of a {@link #SECRET_NAME}, or the {@code key} of a query string, ends at {@code end}; a
     * switch on the last letter, because a log line has many separators and most names end in none of these.
     */
    private static boolean endsWithSecretName(String text, int end) {
        return switch (text.charAt(end - 1) | 0x20) {
            case 'd' -> endsWithLetters(text, end, "password") || endsWithLetters(text, end, "passwd");
            case 'e' -> endsWithLetters(text, end, "passphrase");
            case 't' -> endsWithLetters(text, end, "secret");
            case 'l' -> endsWithLetters(text, end, "credential");
            case 's' -> endsWithLetters(text, end, "credentials");
            case 'y' -> endsWithLetters(text, end, "key");
            case 'n' -> endsWithLetters(text, end, "token");
            default -> false;
        };
    }

    /** Whether {@code text} up to {@code end} ends with {@code letters} (lower-case ASCII), compared from the end. */
    private static boolean endsWithLetters(String text, int end, String letters) {
        int start = end - letters.length();
        if (start < 0) {
            return false;
        }
        for (int i = letters.length() - 1; i >= 0; i--) {
            // Setting bit 5 lower-cases an ASCII capital and maps no other character onto a lower-case letter.
            if ((text.charAt(start + i) | 0x20) != letters.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A credential's value, unless another detector has already redacted it or it is a literal like null. */
    private static boolean isUnredactedSecret(String value) {
        return !ALREADY_REDACTED.matcher(value).matches() && !LITERAL.matcher(value).matches();
    }

    /** Whether what follows Bearer is a token rather than a word: it has a digit, or it is long. */
    private static boolean looksLikeToken(String candidate) {
        if (candidate.length() >= 20) {
            return true;
        }
        for (int i = 0; i < candidate.length(); i++) {
            if (isDigit(candidate.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Two capital letters and two digits: how every IBAN starts. */
    private static boolean hasIbanStart(String text) {
        for (int i = 0; i + 3 < text.length(); i++) {
            if (isCapital(text.charAt(i)) && isCapital(text.charAt(i + 1)) && isDigit(text.charAt(i + 2))
                    && isDigit(text.charAt(i + 3))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code minDigits} digits occur with nothing but {@code separators} between them. */
    private static boolean hasDigitRun(String text, int minDigits, String separators) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isDigit(c)) {
                if (++digits >= minDigits) {
                    return true;
                }
            } else if (separators.indexOf(c) < 0) {
                digits = 0;
            }
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isCapital(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean digitCountBetween(String candidate, int min, int max) {
        int digits = Checksums.digitsOf(candidate).length();
        return digits >= min && digits <= max;
    }
}
