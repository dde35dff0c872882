package io.warmpath.redaction;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The standard detectors, in the order they run. Secrets with a fixed prefix come first, so that later, looser
 * detectors (phone numbers) never see half of a key; IBANs run before cards and phones for the same reason. Each
 * replacement ({@code [REDACTED:kind]}) holds no digits, so it cannot feed a later detector.
 */
final class Detectors {

    /** Not preceded by a character that would make the match the middle of a longer token. */
    private static final String TOKEN_START = "(?<![A-Za-z0-9_-])";

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
                Detector.of("github_token", TOKEN_START
                        + "(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})", contains("gh", "github_pat_")),
                Detector.of("slack_token", TOKEN_START + "xox[abprs]-[A-Za-z0-9-]{10,}", contains("xox")),
                Detector.of("aws_access_key", "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",
                        contains("AKIA", "ASIA")),
                // Secret access keys are 40 plain base64 characters: only recognisable next to their name.
                Detector.ofValue("aws_secret_key", "(?i)(?:aws_?)?secret_?access_?key[\"']?\\s*[:=]\\s*"
                        + "[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", contains("ecret", "ECRET")),
                // Credentials in URL query strings and key=value settings (LiteLLM leaked Gemini ?key= this way).
                Detector.ofValue("credential", "(?i)(?:[?&;]key|\\b(?:api[_-]?key|access[_-]?token"
                        + "|auth[_-]?token|client[_-]?secret|password|passwd))=([^&\\s\"',;\\[]{6,})",
                        text -> hasAssignmentTo(text, "key", "token", "secret", "password", "passwd")),
                // Warmpath session affinity tokens: wpt_ and 43 base64url characters.
                Detector.of("warmpath_token", TOKEN_START + "wpt_[A-Za-z0-9_-]{16,}", contains("wpt_")),
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

    /** Whether some {@code name=} occurs, in any case: the cheap gate of the credential detector. */
    private static boolean hasAssignmentTo(String text, String... names) {
        for (int equals = text.indexOf('='); equals >= 0; equals = text.indexOf('=', equals + 1)) {
            for (String name : names) {
                int start = equals - name.length();
                if (start >= 0 && text.regionMatches(true, start, name, 0, name.length())) {
                    return true;
                }
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
