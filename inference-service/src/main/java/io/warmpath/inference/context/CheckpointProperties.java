package io.warmpath.inference.context;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Summarization checkpoints at the cell ({@code warmpath.cell.checkpoints.*}). Which sessions checkpoint is theirs to
 * say ({@code context_policy}); the cell makes and applies their checkpoints.
 *
 * @param enabled          whether the cell applies and makes checkpoints at all; off, every turn goes as sent
 * @param baseUrl          the OpenAI-compatible API the summaries are asked of, {@code /v1} included: Warmpath's own
 *                         gateway; unset, no checkpoint is made (stored ones are still applied)
 * @param apiKey           the credential for it: a Warmpath API key (or token) of the tenant the summaries are made
 *                         and billed as
 * @param model            the model that summarizes
 * @param maxSummaryTokens the longest summary asked for
 * @param threshold        the share of {@code max_context_tokens} at which the next checkpoint is made, in the
 *                         background, so that it is ready before the session needs it
 * @param keepTurns        the latest turns (a user message and what follows it) a checkpoint never covers
 * @param timeout          the longest a summary may take; a turn that needs one to fit waits at most this long
 * @param maxSessions      sessions whose context the cell remembers (the least recently used first forgotten)
 * @param idle             how long a session's context is remembered without a turn
 * @param artifactsUrl     artifact-service's base URL, where each checkpoint is kept as an artifact of its session;
 *                         unset, checkpoints are kept by session-service only
 */
@ConfigurationProperties("warmpath.cell.checkpoints")
record CheckpointProperties(@DefaultValue("true") boolean enabled, @Nullable URI baseUrl, @Nullable String apiKey,
        @DefaultValue("kimi-k2.5") String model, @DefaultValue("512") int maxSummaryTokens,
        @DefaultValue("0.75") double threshold, @DefaultValue("4") int keepTurns, @DefaultValue("60s") Duration timeout,
        @DefaultValue("100000") long maxSessions, @DefaultValue("1h") Duration idle, @Nullable URI artifactsUrl) {
}
