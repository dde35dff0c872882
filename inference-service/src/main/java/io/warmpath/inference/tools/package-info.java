/**
 * Tool-schema trimming at the cell: a session's turn leaves out the tools its tool set trims, and each turn's tool
 * use goes back to session-service with its usage.
 */
@NullMarked
package io.warmpath.inference.tools;

import org.jspecify.annotations.NullMarked;
