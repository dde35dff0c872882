/**
 * One inference cell: this service in front of exactly one vLLM-compatible engine. The application, its
 * {@code warmpath.cell.*} settings and the {@code x-warmpath-cell} response header live here.
 */
package io.warmpath.inference;
