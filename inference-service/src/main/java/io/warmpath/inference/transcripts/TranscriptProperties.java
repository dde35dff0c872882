package io.warmpath.inference.transcripts;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.redaction.Redactor;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How a cell stores the transcripts of recorded sessions ({@code warmpath.cell.transcripts.*}).
 *
 * @param artifactsUrl  artifact-service's base URL; unset, turns of recorded sessions are served but not recorded
 *                      (counted as {@code not_configured}, and warned about)
 * @param timeout       the longest one store may take, for each of its attempts
 * @param maxConcurrent transcripts stored at once; the rest wait in the queue
 * @param queueCapacity transcripts waiting to be stored; past it, more are dropped and counted, never held until
 *                      the cell runs out of memory
 * @param maxQueuedSize the most request and answer bytes waiting to be stored at once, however few transcripts that
 *                      is (long contexts); past it, more are dropped and counted
 * @param maxAnswerSize the most answer text one transcript keeps; the rest is cut and the transcript says so
 * @param redaction     per data class, what is redacted from a transcript: {@code secrets} (keys, tokens,
 *                      credentials) or {@code all} (secrets and personal data: emails, IBANs, cards, phone numbers).
 *                      Defaults: {@code secrets} for public and internal, {@code all} for confidential and regulated
 */
@ConfigurationProperties("warmpath.cell.transcripts")
record TranscriptProperties(
        @Nullable URI artifactsUrl,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("4") int maxConcurrent,
        @DefaultValue("1000") int queueCapacity,
        @DefaultValue("64MB") DataSize maxQueuedSize,
        @DefaultValue("1MB") DataSize maxAnswerSize,
        @Nullable Map<DataClass, Redaction> redaction) {

    TranscriptProperties {
        if (maxConcurrent < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("warmpath.cell.transcripts: max-concurrent and queue-capacity must be "
                    + "at least 1");
        }
        Map<DataClass, Redaction> rules = new EnumMap<>(DataClass.class);
        rules.put(DataClass.PUBLIC, Redaction.SECRETS);
        rules.put(DataClass.INTERNAL, Redaction.SECRETS);
        rules.put(DataClass.CONFIDENTIAL, Redaction.ALL);
        rules.put(DataClass.REGULATED, Redaction.ALL);
        if (redaction != null) {
            rules.putAll(redaction);
        }
        redaction = Map.copyOf(rules);
    }

    /** What a transcript of {@code dataClass} has redacted. */
    Redaction redactionOf(DataClass dataClass) {
        return redaction.get(dataClass);
    }

    /** What is taken out of a transcript before it is stored. */
    enum Redaction {
        /** Keys, tokens, credentials and private keys; personal data stays. */
        SECRETS(Redactor.secrets()),
        /** Secrets and personal data, as in logs. */
        ALL(Redactor.standard());

        private final Redactor redactor;

        Redaction(Redactor redactor) {
            this.redactor = redactor;
        }

        Redactor redactor() {
            return redactor;
        }
    }
}
