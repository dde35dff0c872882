package io.warmpath.redaction;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kind of sensitive value: a precompiled pattern, a cheap pre-check that skips the regex on text that cannot
 * match, and an optional checksum that a candidate must pass (Luhn for cards, mod 97 for IBANs).
 *
 * @param kind       what the replacement names, as in {@code [REDACTED:kind]}
 * @param pattern    finds candidates
 * @param valueGroup the group that holds the secret; other groups (such as a key name) are kept
 * @param mayContain false when the text certainly holds no match, so that most log lines cost one scan
 * @param isGenuine  a candidate's last check; candidates it rejects stay in the text
 */
record Detector(String kind, Pattern pattern, int valueGroup, Predicate<String> mayContain,
        Predicate<String> isGenuine) {

    Detector {
        if (valueGroup > pattern.matcher("").groupCount()) {
            throw new IllegalArgumentException(kind + ": the pattern has no group " + valueGroup);
        }
    }

    static Detector of(String kind, String regex, Predicate<String> mayContain) {
        return new Detector(kind, Pattern.compile(regex), 0, mayContain, candidate -> true);
    }

    /** A detector that redacts only group 1 of its pattern, keeping the rest (such as a key's name). */
    static Detector ofValue(String kind, String regex, Predicate<String> mayContain) {
        return new Detector(kind, Pattern.compile(regex), 1, mayContain, candidate -> true);
    }

    String replacement() {
        return "[REDACTED:" + kind + "]";
    }

    /** Returns {@code text} itself when nothing was found, so the common case allocates nothing. */
    String redact(String text) {
        if (!mayContain.test(text)) {
            return text;
        }
        Matcher matcher = pattern.matcher(text);
        StringBuilder redacted = null;
        int copiedUpTo = 0;
        while (matcher.find()) {
            if (!isGenuine.test(matcher.group(valueGroup))) {
                continue;
            }
            if (redacted == null) {
                redacted = new StringBuilder(text.length());
            }
            redacted.append(text, copiedUpTo, matcher.start(valueGroup)).append(replacement());
            copiedUpTo = matcher.end(valueGroup);
        }
        return redacted == null ? text : redacted.append(text, copiedUpTo, text.length()).toString();
    }
}
