package io.warmpath.session.sessions;

import io.warmpath.contracts.sessions.SessionContext;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.session.Usd;
import org.jspecify.annotations.Nullable;

/**
 * One session as stored in its Redis hash ({@code wp:s:<id>}). Field names are kept to a few bytes:
 * {@code t} tenant, {@code o} owner (the subject that created it), {@code w} workflow, {@code d} data class,
 * {@code r} region, {@code l} ttl seconds, {@code x}
 * expires at (epoch ms), {@code h} token hash (explicit sessions), {@code k} implicit key hash (implicit sessions);
 * budgets {@code bc bg bt bu} (context, growth, total tokens, cost in nano-USD); binding {@code cell mdl bat ep lp}
 * (cell, model, bound at, epoch, last prompt tokens); ledger {@code n pt ct ot uc} (turns, prompt, cached,
 * completion tokens, cost), open reservations {@code rt rc} (tokens, cost) and {@code tr} ({@code 1}: its turns are
 * recorded as transcripts); tool trimming {@code tt} (the trimmed tool names, newline-separated; present once decided)
 * and {@code tk} (prompt tokens trimming saved); context {@code cp} ({@code c}: checkpoint), the latest checkpoint
 * {@code ck} (its JSON) and {@code ckn} (messages it covers), and counts {@code ckc ckt cka ckr ckm} (checkpoints
 * made, when the latest was, turns it was applied to, tokens it removed, turns whose history did not match).
 */
public record SessionRecord(
        String id,
        String tenant,
        @Nullable String owner,
        @Nullable String workflow,
        String dataClass,
        @Nullable String region,
        boolean implicit,
        long ttlSeconds,
        Instant expiresAt,
        Budgets budgets,
        @Nullable Binding binding,
        Ledger ledger,
        boolean recordTranscript,
        List<String> trimmedTools,
        String contextPolicy) {

    /** The hash field that marks a session whose turns are recorded. */
    static final String RECORD_TRANSCRIPT = "tr";
    /** The hash field of the session's context policy: {@link #CHECKPOINT_POLICY}, or absent for refuse. */
    public static final String CONTEXT_POLICY = "cp";
    public static final String CHECKPOINT_POLICY = "c";

    /** The hash field of the session's decided tool set: its trimmed tools ({@link #trimmedToolsField}). */
    public static final String TRIMMED_TOOLS = "tt";
    /** The hash field of the prompt tokens the session's tool trimming saved. */
    public static final String TRIMMED_TOKENS = "tk";
    /** Separates the names in {@link #TRIMMED_TOOLS}; a tool name cannot contain it. */
    private static final String NAME_SEPARATOR = "\n";

    /** The value of {@link #TRIMMED_TOOLS} for these trimmed tools ({@code ""} for none). */
    public static String trimmedToolsField(List<String> trimmed) {
        return String.join(NAME_SEPARATOR, trimmed);
    }

    /** The trimmed tools a {@link #TRIMMED_TOOLS} value names. */
    public static List<String> trimmedTools(@Nullable String field) {
        return field == null || field.isEmpty() ? List.of() : List.of(field.split(NAME_SEPARATOR));
    }

    /** Reads the hash of session {@code id}. */
    public static SessionRecord fromHash(String id, Map<String, String> hash) {
        Binding binding = hash.containsKey("cell")
                ? new Binding(hash.get("cell"), hash.get("mdl"), Instant.ofEpochMilli(number(hash, "bat")),
                        number(hash, "ep"), hash.containsKey("lp") ? number(hash, "lp") : null)
                : null;
        String costBudget = hash.get("bu");
        Budgets budgets = new Budgets(integer(hash, "bc"), integer(hash, "bg"),
                hash.containsKey("bt") ? number(hash, "bt") : null,
                costBudget == null ? null : Usd.fromNanos(Long.parseLong(costBudget)));
        Ledger ledger = new Ledger(number(hash, "n"), number(hash, "pt"), number(hash, "ct"), number(hash, "ot"),
                number(hash, "uc"), number(hash, "rt"), number(hash, "rc"));
        return new SessionRecord(id, hash.get("t"), hash.get("o"), hash.get("w"),
                DataClass.fromWire(hash.get("d")).wireName(), hash.get("r"),
                hash.containsKey("k"), number(hash, "l"), Instant.ofEpochMilli(number(hash, "x")), budgets, binding,
                ledger, "1".equals(hash.get(RECORD_TRANSCRIPT)), trimmedTools(hash.get(TRIMMED_TOOLS)),
                CHECKPOINT_POLICY.equals(hash.get(CONTEXT_POLICY)) ? SessionContext.CHECKPOINT : SessionContext.REFUSE);
    }

    /** Whether any limit is set: its cell must then reserve before each turn. */
    public boolean limited() {
        return budgets.limited();
    }

    /** Reads a script reply of the form {@code [field, value, field, value, ...]} from {@code offset} on. */
    static SessionRecord fromReply(String id, List<?> reply, int offset) {
        Map<String, String> hash = new HashMap<>();
        for (int i = offset; i + 1 < reply.size(); i += 2) {
            hash.put(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
        }
        return fromHash(id, hash);
    }

    /** The budget fields of a new session's hash. */
    static void putBudgets(Map<String, String> fields, Budgets budgets) {
        if (budgets.maxContextTokens() != null) {
            fields.put("bc", budgets.maxContextTokens().toString());
        }
        if (budgets.maxGrowthTokensPerTurn() != null) {
            fields.put("bg", budgets.maxGrowthTokensPerTurn().toString());
        }
        if (budgets.maxTotalTokens() != null) {
            fields.put("bt", budgets.maxTotalTokens().toString());
        }
        BigDecimal cost = budgets.maxCostUsd();
        if (cost != null) {
            fields.put("bu", Long.toString(Usd.toNanosCeiling(cost)));
        }
    }

    private static long number(Map<String, String> hash, String field) {
        String value = hash.get(field);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static @Nullable Integer integer(Map<String, String> hash, String field) {
        String value = hash.get(field);
        return value == null ? null : Integer.valueOf(value);
    }
}
