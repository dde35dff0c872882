package io.warmpath.contracts;

/**
 * The HTTP header names Warmpath defines or relies on. Every {@code x-warmpath-*} name lives here and nowhere else
 * (a test fails the build on a literal outside this module); the gateway removes any {@code x-warmpath-*} header a
 * client sends before a request goes further.
 */
public final class WarmpathHeaders {

    /** The prefix of Warmpath's own headers. */
    public static final String PREFIX = "x-warmpath-";

    // Sent by clients.

    /** The session: an affinity token from {@code POST /v1/sessions}, or any client-chosen key. */
    public static final String SESSION_AFFINITY = "x-session-affinity";
    /** The workflow the caller acts for; a session token presented for another workflow is refused. */
    public static final String WORKFLOW = "x-workflow";
    /** The client's deadline for the whole request, in milliseconds. */
    public static final String REQUEST_TIMEOUT_MS = "x-request-timeout-ms";
    /** A hint of the request's shape: {@code light}, {@code standard} or {@code heavy}. */
    public static final String WORKLOAD_CLASS = "x-workload-class";
    /**
     * {@code off} sends the request's tools as the client sent them, untrimmed by its session's tool set (tools the
     * token is not scoped for are removed still).
     */
    public static final String TOOL_TRIMMING = "x-tool-trimming";
    /** The value of {@link #TOOL_TRIMMING} that switches trimming off for the request. */
    public static final String TOOL_TRIMMING_OFF = "off";
    /**
     * The request's id: a client's own when it is well-formed, else one the gateway makes; on every response, and on
     * every call the request causes behind the gateway (the engine's logs carry it too).
     */
    public static final String REQUEST_ID = "x-request-id";
    /** IETF httpapi draft semantics: the same key is the same operation. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** On a response that repeats the one kept for its {@link #IDEMPOTENCY_KEY}: {@code true}. */
    public static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    // Sent to clients.

    /** The cell that served a request. */
    public static final String CELL = PREFIX + "cell";
    /**
     * On a session's turn that stopped repeating its previous turn inside what that turn sent: the section and about
     * which prompt token ({@link io.warmpath.contracts.sessions.PrefixBreak#headerValue()}, {@code system@312}).
     */
    public static final String PREFIX_BREAK = PREFIX + "prefix-break";
    /**
     * On a checkpointing session's turn: how many of its oldest history messages reached the engine as the session's
     * checkpoint summary instead, or {@code mismatch} when its history did not start with what the checkpoint covers.
     */
    public static final String CHECKPOINT = PREFIX + "checkpoint";
    /**
     * On a request for a routing alias ({@code auto}), to the client and to the cell (which records it with the turn's
     * usage): the model chosen, the alternative and what the turn was expected to cost on each
     * ({@link io.warmpath.contracts.sessions.ModelRoute#headerValue()}).
     */
    public static final String MODEL_ROUTE = PREFIX + "model-route";
    /** On a session's turn whose tool set left tools out: how many (the session's usage names them). */
    public static final String TOOLS_TRIMMED = PREFIX + "tools-trimmed";

    // Between services.

    /**
     * A cell's mark on a 503 that means the cell itself cannot serve (value {@value #UNAVAILABLE_ENGINE}): the gateway
     * may eject it. A 503 without it refuses one request for another reason and says nothing about the cell.
     */
    public static final String UNAVAILABLE = PREFIX + "unavailable";
    /** The value of {@link #UNAVAILABLE}: the cell's engine is down. */
    public static final String UNAVAILABLE_ENGINE = "engine";
    /** The value of {@link #UNAVAILABLE} for a cell too busy for one more request: try another, keep it in routing. */
    public static final String UNAVAILABLE_BUSY = "busy";
    /**
     * Gateway to cell: the internal assertion (audience {@code session-service}) the cell makes this request's calls
     * to session-service with. Read only on a request whose own assertion is valid.
     */
    public static final String SESSIONS_ASSERTION = PREFIX + "sessions-assertion";
    /** Gateway to cell: the internal assertion (audience {@code policy-service}) for this request's policy checks. */
    public static final String POLICY_ASSERTION = PREFIX + "policy-assertion";
    /**
     * Gateway to cell, on a turn of a session that records its transcript: the internal assertion (audience
     * {@code artifact-service}, scope {@link io.warmpath.contracts.assertion.Assertion#TRANSCRIPT_SCOPE} only) the cell
     * stores that turn's transcript with.
     */
    public static final String ARTIFACTS_ASSERTION = PREFIX + "artifacts-assertion";
    /**
     * Gateway to cell, on a turn of a session that checkpoints: the internal assertion (audience
     * {@code artifact-service}, scope {@link io.warmpath.contracts.assertion.Assertion#CHECKPOINT_SCOPE} only) the cell
     * stores the session's checkpoints with.
     */
    public static final String CHECKPOINTS_ASSERTION = PREFIX + "checkpoints-assertion";
    /**
     * Cell to gateway, on a completed non-streamed answer: {@code total_tokens=<n>}, the tokens the turn used (prompt
     * and completion), which settle the caller's token rate limit. A stream carries the same report as its last SSE
     * comment ({@link UsageReport}), since its headers leave before its usage is known. The gateway removes it.
     */
    public static final String USAGE = PREFIX + "usage";
    /** Gateway to cell: how many of the prompt's tokens routing expects the cell to hold (a measurement hint). */
    public static final String PREDICTED_CACHED_TOKENS = PREFIX + "predicted-cached-tokens";
    /** The calling tenant, as the gateway derives it from the caller's token. */
    public static final String TENANT = PREFIX + "tenant";
    /** The caller's subject ({@code sub}), when its token has one. */
    public static final String SUBJECT = PREFIX + "subject";
    /** The session id ({@code ses_...}) of a turn. */
    public static final String SESSION = PREFIX + "session";
    /** {@link #SESSION_LIMITS_NONE} for a session without context limits or budgets: its cell has nothing to reserve. */
    public static final String SESSION_LIMITS = PREFIX + "session-limits";
    /** The value of {@link #SESSION_LIMITS} for a session without limits. */
    public static final String SESSION_LIMITS_NONE = "none";
    /** The class of the request's data: {@link DataClass#wireName()}. */
    public static final String DATA_CLASS = PREFIX + "data-class";
    /** The region the session's data must stay in, when it has one. */
    public static final String DATA_REGION = PREFIX + "data-region";
    /** The caller's roles, comma-separated. */
    public static final String ROLES = PREFIX + "roles";
    /** The caller's clearance: the highest data class it may touch. */
    public static final String CLEARANCE = PREFIX + "clearance";
    /** The caller's home region. */
    public static final String HOME_REGION = PREFIX + "home-region";

    private WarmpathHeaders() {
    }

    /** Whether a header name is one of Warmpath's own, which only Warmpath's services may set. */
    public static boolean isWarmpathHeader(String name) {
        return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
