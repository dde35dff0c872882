package io.warmpath.cli.demo;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the agent demo runs.
 *
 * @param gateway        the gateway's base URL, without {@code /v1} (e.g. {@code http://localhost:8080})
 * @param model          model (or alias) to request
 * @param sessions       number of concurrent-looking sessions, interleaved turn by turn
 * @param turns          turns per session
 * @param maxTokens      {@code max_tokens} of every request (small keeps the demo quick)
 * @param requestTimeout how long one request may take, end to end
 */
public record DemoSettings(URI gateway, String model, int sessions, int turns, int maxTokens,
                           Duration requestTimeout) {

    public static final String DEFAULT_MODEL = "kimi-k2.5";
    public static final int DEFAULT_SESSIONS = 2;
    public static final int DEFAULT_TURNS = 6;
    public static final int DEFAULT_MAX_TOKENS = 48;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    public DemoSettings {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (sessions < 1 || turns < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("sessions, turns and maxTokens must be positive");
        }
    }

    /** Two sessions of six turns, 48 tokens per reply, against {@code gateway}. */
    public static DemoSettings defaults(URI gateway) {
        return new DemoSettings(gateway, DEFAULT_MODEL, DEFAULT_SESSIONS, DEFAULT_TURNS, DEFAULT_MAX_TOKENS,
                DEFAULT_REQUEST_TIMEOUT);
    }

    /** The OpenAI base URL the SDK needs: the gateway plus {@code /v1}. */
    String openAiBaseUrl() {
        String base = gateway.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1";
    }
}
