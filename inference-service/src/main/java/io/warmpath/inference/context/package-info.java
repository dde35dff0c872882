/**
 * Summarization checkpoints at the cell: a checkpointing session's turns reach the engine with a summary in place of
 * their oldest history, and the cell makes the session's next checkpoint as the session nears its context limit.
 */
@NullMarked
package io.warmpath.inference.context;

import org.jspecify.annotations.NullMarked;
