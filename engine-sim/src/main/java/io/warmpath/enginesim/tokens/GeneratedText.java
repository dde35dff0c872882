package io.warmpath.enginesim.tokens;

import java.util.List;

/**
 * Deterministic output text: one piece per token, with its token ids.
 *
 * @param pieces   the text of each token, in order (concatenated they form {@link #text()})
 * @param tokenIds the token id of each piece
 */
public record GeneratedText(List<String> pieces, int[] tokenIds) {

    /** The whole text. */
    public String text() {
        return String.join("", pieces);
    }

    /** The text of the first {@code count} tokens. */
    public String prefix(int count) {
        return String.join("", pieces.subList(0, Math.min(count, pieces.size())));
    }
}
