/**
 * The simulated engine: model profiles, the latency model (queueing, shared prefill, batch-dependent decode),
 * fault injection and vLLM-style metrics, on a real-time or virtual-time event loop.
 * Plain Java, no Spring types; the bench runs it in process.
 */
package io.warmpath.enginesim.engine;
