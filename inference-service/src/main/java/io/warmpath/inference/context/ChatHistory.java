package io.warmpath.inference.context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.warmpath.contracts.CanonicalJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat request's messages as a checkpoint sees them: the leading system and developer messages (the instructions,
 * never summarized), then the history. History messages are recognised by a chained SHA-256 of their canonical JSON
 * (members sorted), so a client's member order does not matter and no text needs keeping.
 */
final class ChatHistory {

    private final List<JsonNode> instructions;
    private final List<JsonNode> history;

    private ChatHistory(List<JsonNode> instructions, List<JsonNode> history) {
        this.instructions = instructions;
        this.history = history;
    }

    static ChatHistory of(ObjectNode chatBody) {
        List<JsonNode> instructions = new ArrayList<>();
        List<JsonNode> history = new ArrayList<>();
        for (JsonNode message : chatBody.path("messages")) {
            if (history.isEmpty() && isInstruction(message)) {
                instructions.add(message);
            } else {
                history.add(message);
            }
        }
        return new ChatHistory(instructions, history);
    }

    List<JsonNode> history() {
        return history;
    }

    /** The chained hash of the first {@code count} history messages (hex); {@code count} must not exceed the size. */
    String hashOf(int count) {
        MessageDigest digest = sha256();
        for (int i = 0; i < count; i++) {
            byte[] canonical = CanonicalJson.of(history.get(i)).getBytes(StandardCharsets.UTF_8);
            digest.update((canonical.length + ":").getBytes(StandardCharsets.US_ASCII));
            digest.update(canonical);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Whether the history starts with the {@code count} messages whose chained hash is {@code hash}. */
    boolean startsWith(int count, String hash) {
        return count <= history.size() && hashOf(count).equals(hash);
    }

    /**
     * How many history messages a checkpoint may cover while the last {@code keepTurns} turns stay as sent: the
     * messages before the {@code keepTurns}-th last user message; 0 when the history has no more turns than that.
     */
    int coverableKeeping(int keepTurns) {
        int users = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            if ("user".equals(history.get(i).path("role").asString("")) && ++users == keepTurns) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The chat body with the first {@code covered} history messages replaced by {@code summary}, as one system
     * message after the instructions: the same bytes on every turn that has the same instructions and summary.
     */
    ObjectNode withSummary(ObjectNode chatBody, int covered, String summary) {
        ObjectNode body = chatBody.deepCopy();
        ArrayNode messages = body.putArray("messages");
        instructions.forEach(messages::add);
        messages.addObject().put("role", "system").put("content", summaryMessage(summary));
        for (int i = covered; i < history.size(); i++) {
            messages.add(history.get(i));
        }
        return body;
    }

    /** The text of the message that stands for the covered history. */
    static String summaryMessage(String summary) {
        return "Summary of the earlier conversation (it replaces those messages):\n" + summary;
    }

    private static boolean isInstruction(JsonNode message) {
        String role = message.path("role").asString("");
        return role.equals("system") || role.equals("developer");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
