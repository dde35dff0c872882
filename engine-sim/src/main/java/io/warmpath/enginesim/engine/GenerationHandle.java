package io.warmpath.enginesim.engine;

/** A submitted generation. */
public interface GenerationHandle {

    /** Aborts the generation (as vLLM does when the client goes away): frees its slot and blocks, no more callbacks. */
    void cancel();
}
