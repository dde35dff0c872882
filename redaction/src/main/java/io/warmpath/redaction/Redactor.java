package io.warmpath.redaction;

import java.util.List;
import java.util.Set;

/**
 * Finds secrets and personal data in free text and replaces each with {@code [REDACTED:<kind>]}.
 *
 * <p>Kinds: {@code private_key} (PEM), {@code jwt}, {@code api_key} ({@code sk-...}, {@code sk-proj-...}),
 * {@code stripe_key} ({@code sk_live_}, {@code rk_test_}, {@code whsec_}, ...; publishable {@code pk_} keys are
 * kept), {@code google_api_key} ({@code AIza} and 35 characters), {@code huggingface_token} ({@code hf_}),
 * {@code github_token} ({@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_}, {@code github_pat_}),
 * {@code slack_token} ({@code xox?-}), {@code aws_access_key} ({@code AKIA}/{@code ASIA}), {@code aws_secret_key}
 * (40 characters after {@code aws_secret_access_key}), {@code warmpath_token} ({@code wpt_}),
 * {@code warmpath_api_key} ({@code wpk_}),
 * {@code authorization} (the credentials of an {@code Authorization} header, whatever the scheme),
 * {@code bearer_token} ({@code Bearer <token>} anywhere else), {@code credential} (the value of a credential-named
 * JSON member, YAML or properties key, environment variable or query parameter: {@code "password": "..."},
 * {@code api_key=...}, {@code ?key=}; the name is kept), {@code email}, {@code iban} (mod-97 checked),
 * {@code card} (Luhn checked) and {@code phone} (E.164 and common national formats).
 *
 * <p>This is the last line of defence for text that must be logged or returned (exception messages, error details,
 * request paths): prompts and responses are never logged as text in the first place, see {@link PayloadLogView}.
 * Instances are immutable and thread-safe; the patterns are compiled once.
 */
public final class Redactor {

    /** The kinds that are personal data rather than secrets. */
    private static final Set<String> PERSONAL_DATA = Set.of("email", "iban", "card", "phone");

    private static final Redactor STANDARD = new Redactor(Detectors.standard());
    private static final Redactor SECRETS = new Redactor(Detectors.standard().stream()
            .filter(detector -> !PERSONAL_DATA.contains(detector.kind())).toList());

    private final List<Detector> detectors;

    private Redactor(List<Detector> detectors) {
        this.detectors = detectors;
    }

    /** The shared instance with every standard detector. */
    public static Redactor standard() {
        return STANDARD;
    }

    /**
     * The instance that redacts secrets only (keys, tokens, credentials, private keys, authorization values) and keeps
     * personal data ({@code email}, {@code iban}, {@code card}, {@code phone}): for text that is kept on purpose, such
     * as a transcript, where the people it names are part of the record.
     */
    public static Redactor secrets() {
        return SECRETS;
    }

    /**
     * The text with every detected value replaced; the same instance when nothing was found.
     *
     * @param text any text, or {@code null}
     * @return the redacted text, or {@code null} for {@code null}
     */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = text;
        for (Detector detector : detectors) {
            redacted = detector.redact(redacted);
        }
        return redacted;
    }

    /** A throwable's message, redacted: what an error response may quote. */
    public String messageOf(Throwable failure) {
        return redact(failure.getMessage());
    }
}
