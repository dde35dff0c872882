package io.warmpath.enginesim.tokens;

import java.util.Objects;

/**
 * One chat message as the template sees it: a role and its text. Callers flatten content parts, tool calls and
 * tool results into {@code content} (deterministically, e.g. as canonical JSON) before tokenising.
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }
}
