/** What an inference cell tells the gateway about itself, {@code GET /cell/status}. */
@NullMarked
package io.warmpath.contracts.cells;

import org.jspecify.annotations.NullMarked;
