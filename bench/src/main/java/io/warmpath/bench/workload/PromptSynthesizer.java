package io.warmpath.bench.workload;

/**
 * Prompt content synthesised from block ids. Each block id maps deterministically to the same token ids (or the same
 * words) every time, so turns that share leading block ids have identical leading tokens, and an engine's prefix cache
 * sees exactly the sharing the trace describes. A partial last block is a prefix of the full block.
 */
public final class PromptSynthesizer {

    /** Token ids stay inside a realistic vocabulary size. */
    private static final int VOCABULARY = 200_000;

    /**
     * Common English words that o200k_base (and most BPE tokenizers) encode as one token each with their leading
     * space, so a block of n words is n tokens and blocks concatenate without merging across the boundary.
     */
    private static final String[] WORDS = ("the of and to in is that for it as with was on be by at this from or "
            + "have an they which one you had not but what all were when we there can are more if no out so said "
            + "up its about into than them only some could time these two may first then do any like my now over "
            + "such our man me even most made after also did many before must through back years where much your "
            + "way well down should because each just those people how too little state good very make world still "
            + "own see men work long get here between both life being under never day same another know while last "
            + "might us great old year off come since against go came right used take three").split(" ");

    private PromptSynthesizer() {
    }

    /** The prompt's token ids. */
    public static int[] tokens(Turn turn) {
        int[] tokens = new int[turn.promptTokens()];
        int position = 0;
        long[] blockIds = turn.blockIds();
        for (int block = 0; block < blockIds.length && position < tokens.length; block++) {
            int length = turn.tokensInBlock(block);
            for (int offset = 0; offset < length; offset++) {
                tokens[position++] = 1 + (int) Long.remainderUnsigned(mix(blockIds[block], offset), VOCABULARY - 1);
            }
        }
        return tokens;
    }

    /** The prompt as text: one word (one token with its leading space) per prompt token. */
    public static String text(Turn turn) {
        StringBuilder text = new StringBuilder(turn.promptTokens() * 6);
        long[] blockIds = turn.blockIds();
        for (int block = 0; block < blockIds.length; block++) {
            int length = turn.tokensInBlock(block);
            for (int offset = 0; offset < length; offset++) {
                text.append(' ').append(WORDS[(int) Long.remainderUnsigned(mix(blockIds[block], offset), WORDS.length)]);
            }
        }
        return text.toString();
    }

    /** SplitMix64 of (block id, offset): cheap, well spread, deterministic. */
    static long mix(long blockId, int offset) {
        long z = blockId * 0x9E3779B97F4A7C15L + offset + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
