/**
 * The OpenAI-compatible API of the cell: validation, forwarding, honest SSE relaying, error mapping, the budget of a
 * session's turn (prompt counted by the engine, reserved before and settled after the call) and the request, token,
 * latency and cache-prediction metrics.
 */
package io.warmpath.inference.openai;
