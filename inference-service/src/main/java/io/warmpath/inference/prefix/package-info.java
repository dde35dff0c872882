/**
 * Prefix-break diagnosis: each session turn's prompt, as hashes of its blocks (no text kept), compared with the
 * previous turn this cell served for the session, so that a turn that breaks the engine's cached prefix says where.
 */
@NullMarked
package io.warmpath.inference.prefix;

import org.jspecify.annotations.NullMarked;
