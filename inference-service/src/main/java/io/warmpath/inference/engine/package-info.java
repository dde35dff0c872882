/**
 * The cell's view of its engine: the HTTP client, a poller of the engine's /health, /metrics (vLLM gauges) and
 * /v1/models, and the "engine" readiness contributor built on it.
 */
package io.warmpath.inference.engine;
