/**
 * The session service application and its {@code warmpath.session.*} settings. Features live in sub-packages:
 * {@code sessions} (lifecycle, tokens, resolution), {@code bindings} (session to cell), {@code budgets}
 * (reservations, ledger, usage); {@code redis} holds the key layout, the Lua scripts and client options,
 * {@code web} the caller (from the internal assertion), load shedding and error rendering.
 */
package io.warmpath.session;
