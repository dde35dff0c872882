/**
 * The OpenAI-compatible API of the cell: validation, forwarding, honest SSE relaying, error mapping and the
 * request, token and latency metrics.
 */
package io.warmpath.inference.openai;
