package io.warmpath.enginesim.openai;

import java.util.List;

/**
 * A parsed {@code /v1/embeddings} request.
 *
 * @param model      the served model it names
 * @param inputs     each input's tokens
 * @param dimensions the length of each embedding
 * @param base64     whether the vectors go out as base64 of little-endian float32, not as numbers
 */
record EmbeddingRequest(String model, List<int[]> inputs, int dimensions, boolean base64) {
}
