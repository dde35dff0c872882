package io.warmpath.session.sessions;

import io.warmpath.contracts.sessions.SessionContext;
import jakarta.validation.constraints.AssertTrue;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.Range;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /v1/sessions}, checked with {@code @Valid} (a 400 naming the first field at fault); the
 * defaults come from {@link #withDefaults()}.
 *
 * @param workflow   required, {@code [a-z0-9._-]{1,64}}; a later resolve naming another workflow is refused
 * @param dataClass  public, internal (default), confidential or regulated
 * @param region     optional region the session's data must stay in, {@code [A-Za-z0-9._-]{1,64}}
 * @param ttlSeconds lifetime since last use, 60 to 604800, default 3600
 * @param budgets    optional limits
 * @param recordTranscript whether each turn's request and answer is stored as a transcript artifact (redacted for
 *                   the data class), when policy allows it for the session's data class; default false
 * @param contextPolicy {@code refuse} (default: a turn over {@code max_context_tokens} is refused) or
 *                   {@code checkpoint} (the oldest turns are summarized before the session reaches it); checkpoint
 *                   needs {@code budgets.max_context_tokens} and a public or internal session, since its history
 *                   goes to the summarization model
 */
record CreateSessionRequest(
        @NotNull(message = WORKFLOW_PROBLEM) @Pattern(regexp = "[a-z0-9._-]{1,64}", message = WORKFLOW_PROBLEM)
        @Nullable String workflow,
        @Pattern(regexp = "public|internal|confidential|regulated",
                message = "must be one of public, internal, confidential, regulated") @Nullable String dataClass,
        @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must match [A-Za-z0-9._-]\\{1,64\\}")
        @Nullable String region,
        @Range(min = 60, max = 604_800, message = "must be between {min} and {max}") @Nullable Integer ttlSeconds,
        @Valid @Nullable Budgets budgets,
        @Nullable Boolean recordTranscript,
        @Pattern(regexp = "refuse|checkpoint", message = "must be refuse or checkpoint") @Nullable String contextPolicy) {

    static final String DEFAULT_DATA_CLASS = "internal";
    private static final int DEFAULT_TTL_SECONDS = 3600;
    // Braces escaped: a message's {...} would be read as a parameter to interpolate.
    private static final String WORKFLOW_PROBLEM = "is required and must match [a-z0-9._-]\\{1,64\\}";

    /** The request with the defaults of what it leaves out. */
    CreateSessionRequest withDefaults() {
        return new CreateSessionRequest(workflow, dataClass == null ? DEFAULT_DATA_CLASS : dataClass, region,
                ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds, budgets == null ? Budgets.UNLIMITED : budgets,
                Boolean.TRUE.equals(recordTranscript), contextPolicy == null ? SessionContext.REFUSE : contextPolicy);
    }

    /** Whether the session's oldest turns are summarized as it nears its context limit. */
    boolean checkpoints() {
        return SessionContext.CHECKPOINT.equals(contextPolicy);
    }

    /** Bean validation: a checkpoint needs a context limit to aim below, and data the summarizer may receive. */
    @AssertTrue(message = "checkpoint needs budgets.max_context_tokens and a public or internal session without a "
            + "pinned region (the session's history goes to the summarization model, under its own credential)")
    boolean isContextPolicy() {
        return !checkpoints() || budgets != null && budgets.maxContextTokens() != null && region == null
                && (dataClass == null || "public".equals(dataClass) || "internal".equals(dataClass));
    }

    /** Whether the session records its transcript. */
    boolean recordsTranscript() {
        return Boolean.TRUE.equals(recordTranscript);
    }
}
