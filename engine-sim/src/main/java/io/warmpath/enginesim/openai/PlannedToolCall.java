package io.warmpath.enginesim.openai;

/**
 * A deterministic tool call the simulated model makes.
 *
 * @param id        call id (derived from the prompt)
 * @param name      function name
 * @param arguments arguments as canonical JSON text
 * @param tokens    output tokens the call costs (tokens of name plus arguments, at least 1)
 */
record PlannedToolCall(String id, String name, String arguments, int tokens) {
}
