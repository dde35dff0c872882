package io.warmpath.redaction;

import java.util.Map;

/**
 * What a log may always say about a prompt or a response, whatever its data class: sizes, counts and roles.
 *
 * @param messages  entries of {@code messages} (chat requests)
 * @param roles     how many messages each role sent, for example {@code {system=1, user=3, assistant=2}}
 * @param choices   entries of {@code choices} (responses and stream chunks)
 * @param tools     entries of {@code tools}
 * @param textChars characters in all string values except the discriminators (role, type, model, ...)
 */
public record PayloadShape(int messages, Map<String, Integer> roles, int choices, int tools, long textChars) {

    public PayloadShape {
        roles = Map.copyOf(roles);
    }
}
