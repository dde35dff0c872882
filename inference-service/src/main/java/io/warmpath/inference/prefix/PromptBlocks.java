package io.warmpath.inference.prefix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.warmpath.contracts.CanonicalJson;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.sessions.PrefixBreak;
import tools.jackson.databind.JsonNode;

/**
 * A chat prompt as the engine reads it, in blocks: the leading system and developer messages, each tool, then each
 * message of the history; each block kept as a 64-bit hash of its canonical JSON (members in sorted order, so a
 * client's member order does not count) and the bytes it takes. No text is kept.
 */
record PromptBlocks(List<Block> blocks) {

    /** One block: its section, hash and size in bytes of canonical JSON. */
    record Block(String section, long hash, int bytes) {
    }

    PromptBlocks {
        blocks = List.copyOf(blocks);
    }

    static PromptBlocks of(JsonNode chatBody) {
        List<Block> blocks = new ArrayList<>();
        JsonNode messages = chatBody.path("messages");
        int firstHistory = 0;
        while (firstHistory < messages.size() && isInstruction(messages.get(firstHistory))) {
            blocks.add(block(PrefixBreak.SYSTEM, messages.get(firstHistory)));
            firstHistory++;
        }
        for (JsonNode tool : chatBody.path("tools").values()) {
            blocks.add(block(PrefixBreak.TOOLS, tool));
        }
        for (int i = firstHistory; i < messages.size(); i++) {
            blocks.add(block(PrefixBreak.HISTORY, messages.get(i)));
        }
        return new PromptBlocks(blocks);
    }

    /**
     * Where this prompt stops repeating {@code previous} inside what {@code previous} held; empty when it repeats all
     * of it (and perhaps goes on), as a turn that only appends does.
     */
    Optional<PrefixBreak> breakAgainst(PromptBlocks previous) {
        long bytesBefore = 0;
        for (int i = 0; i < previous.blocks.size(); i++) {
            Block before = previous.blocks.get(i);
            if (i >= blocks.size() || blocks.get(i).hash() != before.hash()) {
                // A prompt cut short (history dropped) breaks where the first missing block was.
                return Optional.of(new PrefixBreak(before.section(), bytesBefore / 4));
            }
            bytesBefore += before.bytes();
        }
        return Optional.empty();
    }

    private static boolean isInstruction(JsonNode message) {
        String role = message.path("role").asString("");
        return role.equals("system") || role.equals("developer");
    }

    /** The hashes of this prompt's tools, in order. */
    List<Long> toolHashes() {
        return blocks.stream().filter(block -> block.section().equals(PrefixBreak.TOOLS)).map(Block::hash).toList();
    }

    /** The hash a tool's block has. */
    static long toolHash(JsonNode tool) {
        return block(PrefixBreak.TOOLS, tool).hash();
    }

    private static Block block(String section, JsonNode node) {
        byte[] canonical = CanonicalJson.of(node).getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = Ids.sha256();
        return new Block(section, ByteBuffer.wrap(sha256.digest(canonical)).getLong(), canonical.length);
    }
}
