package io.warmpath.inference.tools;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.warmpath.contracts.sessions.ToolUse;
import io.warmpath.contracts.sessions.WireFormats;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chat turn's tools: the body as its session's tool set trims it, and the tools its answer calls as they go by
 * (whole answers and stream chunks alike), for the turn's {@link ToolUse}.
 */
public final class TurnTools {

    private static final Pattern TOOL_NAME = Pattern.compile(WireFormats.TOOL_NAME);

    private final ObjectNode body;
    private final boolean offered;
    private final Set<String> trimmedNames;
    private final int trimmedTools;
    private final long trimmedTokens;
    private final @Nullable Counter trimmedCalls;
    private final Set<String> called = new LinkedHashSet<>();

    TurnTools(ObjectNode body, boolean offered, Set<String> trimmedNames, int trimmedTools, long trimmedTokens,
            @Nullable Counter trimmedCalls) {
        this.body = body;
        this.offered = offered;
        this.trimmedNames = trimmedNames;
        this.trimmedTools = trimmedTools;
        this.trimmedTokens = trimmedTokens;
        this.trimmedCalls = trimmedCalls;
    }

    /** A turn whose body goes as it came: no tool set applies (or none could be had). */
    public static TurnTools untrimmed(ObjectNode body) {
        JsonNode tools = body.get("tools");
        return new TurnTools(body, tools != null && tools.isArray() && !tools.isEmpty(), Set.of(), 0, 0, null);
    }

    /** The chat body to send the engine. */
    public ObjectNode body() {
        return body;
    }

    /** How many tools were left out of this turn. */
    public int trimmedTools() {
        return trimmedTools;
    }

    /** A whole answer: the tools its choices call. */
    public void answer(JsonNode response) {
        for (JsonNode choice : response.path("choices")) {
            calls(choice.path("message").path("tool_calls"));
        }
    }

    /** One chunk of a streamed answer: the tools its deltas start calling (a call's name comes once). */
    public void chunk(JsonNode chunk) {
        for (JsonNode choice : chunk.path("choices")) {
            calls(choice.path("delta").path("tool_calls"));
        }
    }

    /** What the turn did with tools, for its settlement. */
    public synchronized ToolUse use() {
        return new ToolUse(offered, List.copyOf(called), trimmedTools, trimmedTokens);
    }

    private synchronized void calls(JsonNode toolCalls) {
        for (JsonNode call : toolCalls) {
            JsonNode name = call.path("function").path("name");
            if (name.isString() && TOOL_NAME.matcher(name.stringValue()).matches()
                    && called.size() < WireFormats.MAX_TOOLS && called.add(name.stringValue())
                    && trimmedNames.contains(name.stringValue()) && trimmedCalls != null) {
                // The model called a tool it was not offered (it saw it in the history): counted, and the call
                // marks the tool as used, so the workflow keeps it and the session gets it back at its checkpoint.
                trimmedCalls.increment();
            }
        }
    }
}
