package io.warmpath.bench.workload;

/**
 * One request of a workload: a turn of a session, with its prompt described as a chain of block ids. Two turns whose
 * {@code blockIds} start with the same ids share that prompt prefix (see {@link PromptSynthesizer}).
 *
 * @param index          position in the workload, in arrival order (0-based)
 * @param sessionId      the session the turn belongs to (explicit in the trace, or derived)
 * @param workflow       the workflow tag profiles group by
 * @param arrivalSeconds arrival time from the start of the workload
 * @param blockIds       one id per {@code blockSize} tokens of the prompt; the last block may be partial
 * @param blockSize      tokens per block id
 * @param promptTokens   prompt length in tokens, at most {@code blockIds.length * blockSize}
 * @param outputTokens   completion length in tokens, at least 1
 */
public record Turn(int index, String sessionId, String workflow, double arrivalSeconds, long[] blockIds,
                   int blockSize, int promptTokens, int outputTokens) {

    public Turn {
        if (promptTokens < 1 || outputTokens < 1 || blockSize < 1) {
            throw new IllegalArgumentException("turn " + index + ": prompt, output and block size must be positive");
        }
        if ((long) blockIds.length * blockSize < promptTokens) {
            throw new IllegalArgumentException("turn " + index + ": " + blockIds.length + " blocks of " + blockSize
                    + " tokens cannot hold a prompt of " + promptTokens + " tokens");
        }
    }

    /** Tokens of block {@code block}: the block size, except for a partial last block. */
    public int tokensInBlock(int block) {
        return Math.min(blockSize, promptTokens - block * blockSize);
    }
}
