/**
 * Tool-schema trimming: which tools each workflow calls, and each session's trimmed tool set, decided once.
 */
@NullMarked
package io.warmpath.session.tools;

import org.jspecify.annotations.NullMarked;
