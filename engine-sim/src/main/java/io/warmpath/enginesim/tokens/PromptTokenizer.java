package io.warmpath.enginesim.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokeniser (jtokkit, o200k_base) plus a deterministic ChatML-like chat template.
 *
 * <p>A chat renders as an optional tools block, one segment per message and the generation prompt:
 * <pre>
 * &lt;|im_start|&gt;system\n# Tools\n{tool json}\n...&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n          (per message)
 * &lt;|im_start|&gt;assistant\n
 * </pre>
 * Markers are encoded as ordinary text (o200k_base has no such special tokens). Every segment ends in
 * {@code "|>\n"} and the next starts with {@code "<|"}, which is always a pre-tokeniser split point, so the
 * tokens of a chat are the concatenation of its segments' tokens. That makes equal message prefixes give equal
 * token prefixes, and lets repeated segments (system prompts, history) come from a bounded cache instead of
 * being re-encoded on every turn.
 *
 * <p>Thread-safe.
 */
public final class PromptTokenizer {

    static final String TOOLS_HEADER = "<|im_start|>system\n# Tools\n";
    static final String GENERATION_PROMPT = "<|im_start|>assistant\n";
    private static final long SEGMENT_CACHE_CHARS = 32L * 1024 * 1024;
    private static final int SEGMENT_CACHE_MAX_SEGMENT_CHARS = 4 * 1024 * 1024;

    private final Encoding encoding;
    private final SegmentCache segmentCache = new SegmentCache(SEGMENT_CACHE_CHARS);

    /** A tokeniser over o200k_base (the encoding is loaded once; reuse the instance). */
    public PromptTokenizer() {
        this.encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    /** Token ids of plain text (special-token markers are treated as ordinary text). */
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    /** Number of tokens of plain text. */
    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }

    /** Text of token ids. */
    public String decode(int[] tokens) {
        IntArrayList list = new IntArrayList(tokens.length);
        for (int token : tokens) {
            list.add(token);
        }
        return encoding.decode(list);
    }

    /**
     * Token ids of a rendered chat.
     *
     * @param toolJsons           one canonical JSON text per tool (empty for none), rendered before the messages
     * @param addGenerationPrompt whether to end with the assistant turn opener (true for a chat completion)
     */
    public int[] encodeChat(List<ChatMessage> messages, List<String> toolJsons, boolean addGenerationPrompt) {
        List<int[]> parts = new ArrayList<>(messages.size() + 2);
        int total = 0;
        for (String segment : segments(messages, toolJsons, addGenerationPrompt)) {
            int[] tokens = encodeSegment(segment);
            parts.add(tokens);
            total += tokens.length;
        }
        int[] result = new int[total];
        int offset = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, result, offset, part.length);
            offset += part.length;
        }
        return result;
    }

    /** The chat rendered as text, exactly what {@link #encodeChat} tokenises. */
    public String renderChat(List<ChatMessage> messages, List<String> toolJsons, boolean addGenerationPrompt) {
        return String.join("", segments(messages, toolJsons, addGenerationPrompt));
    }

    private static List<String> segments(List<ChatMessage> messages, List<String> toolJsons,
                                         boolean addGenerationPrompt) {
        List<String> segments = new ArrayList<>(messages.size() + 2);
        if (!toolJsons.isEmpty()) {
            segments.add(TOOLS_HEADER + String.join("\n", toolJsons) + "<|im_end|>\n");
        }
        for (ChatMessage message : messages) {
            segments.add("<|im_start|>" + message.role() + "\n" + message.content() + "<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            segments.add(GENERATION_PROMPT);
        }
        return segments;
    }

    private int[] encodeSegment(String segment) {
        if (segment.length() > SEGMENT_CACHE_MAX_SEGMENT_CHARS) {
            return encode(segment);
        }
        int[] cached = segmentCache.get(segment);
        if (cached == null) {
            cached = encode(segment);
            segmentCache.put(segment, cached);
        }
        return cached;
    }

    /** LRU map from segment text to its tokens, bounded by total characters. Callers never mutate the arrays. */
    private static final class SegmentCache {
        private final long maxChars;
        private long chars;
        private final LinkedHashMap<String, int[]> entries = new LinkedHashMap<>(256, 0.75f, true);

        SegmentCache(long maxChars) {
            this.maxChars = maxChars;
        }

        synchronized int[] get(String segment) {
            return entries.get(segment);
        }

        synchronized void put(String segment, int[] tokens) {
            if (entries.put(segment, tokens) == null) {
                chars += segment.length();
            }
            var eldest = entries.entrySet().iterator();
            while (chars > maxChars && eldest.hasNext()) {
                Map.Entry<String, int[]> entry = eldest.next();
                chars -= entry.getKey().length();
                eldest.remove();
            }
        }
    }
}
