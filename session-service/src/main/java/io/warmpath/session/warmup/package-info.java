/**
 * Warm-up: the service sends itself a few hundred turns of its internal API at startup, before it reports ready, so
 * that its first callers do not meet a cold JVM.
 */
package io.warmpath.session.warmup;
