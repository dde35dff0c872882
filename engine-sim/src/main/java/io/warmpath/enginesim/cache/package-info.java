/**
 * vLLM-style paged prefix cache: chained block hashes, pinning of running requests' blocks, LRU eviction.
 * Plain Java, no Spring types; the bench runs it in process.
 */
package io.warmpath.enginesim.cache;
