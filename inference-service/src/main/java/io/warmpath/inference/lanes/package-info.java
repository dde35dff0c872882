/**
 * Admission lanes: each cell admits work to its engine through a prefill-heavy lane and an interactive lane, each with
 * its own concurrency limit and a deadline-ordered queue, so that a burst of long cold prefills cannot starve short
 * turns, and work that cannot start within its deadline is refused at once.
 */
@NullMarked
package io.warmpath.inference.lanes;

import org.jspecify.annotations.NullMarked;
