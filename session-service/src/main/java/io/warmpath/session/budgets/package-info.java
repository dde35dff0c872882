/**
 * Budgets and the usage ledger: an inference cell reserves a request's estimate before calling its engine (one Lua
 * script checks context limits and budgets and holds the estimate atomically), then settles the actual usage or
 * releases the hold; {@code GET /v1/sessions/{id}/usage} reports the ledger.
 */
package io.warmpath.session.budgets;
