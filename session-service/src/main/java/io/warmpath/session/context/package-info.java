/**
 * Summarization checkpoints: each checkpointing session's context policy, limit and latest checkpoint.
 */
@NullMarked
package io.warmpath.session.context;

import org.jspecify.annotations.NullMarked;
