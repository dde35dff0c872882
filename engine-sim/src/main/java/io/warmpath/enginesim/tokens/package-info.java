/**
 * Tokens: jtokkit o200k_base, a deterministic chat template whose equal message prefixes give equal token
 * prefixes, and deterministic output text of an exact token length. Plain Java, no Spring types.
 */
package io.warmpath.enginesim.tokens;
