package io.warmpath.contracts.sessions;

/** The shapes of ids and names on the internal API, as regular expressions for {@code @Pattern}. */
public final class WireFormats {

    /** A model name: what engines serve and price tables key on. */
    public static final String MODEL = "[A-Za-z0-9._:/@-]{1,128}";
    /** A cell id. */
    public static final String CELL_ID = "[A-Za-z0-9._:-]{1,128}";
    /** A workflow name. */
    public static final String WORKFLOW = "[a-z0-9._-]{1,64}";
    /** A tool's function name: OpenAI's shape, with the dots and colons of namespaced tools. */
    public static final String TOOL_NAME = "[A-Za-z0-9_.:-]{1,64}";
    /** The most tools one request may offer (OpenAI's limit). */
    public static final int MAX_TOOLS = 128;
    /** A request id: printable ASCII. */
    public static final String REQUEST_ID = "[\\x21-\\x7e]{1,128}";
    /** The largest count of tokens one request may name: every sum stays exact in Lua's doubles. */
    public static final long MAX_TOKENS_PER_REQUEST = Integer.MAX_VALUE;
    /** The longest affinity value. */
    public static final int MAX_AFFINITY_LENGTH = 512;

    private WireFormats() {
    }
}
