/**
 * The cell's side of session budgets: a client of session-service's internal reservation API. A request of a session
 * reserves its estimated tokens before the engine is called (failing closed when session-service cannot answer) and
 * settles the reservation with actual usage, or releases it, afterwards.
 */
package io.warmpath.inference.session;
