/**
 * Sessions: creation, lookup, closing and token rotation on {@code /v1/sessions}, and {@code /internal/resolve},
 * which turns an {@code x-session-affinity} value into the tenant's session (an affinity token, or any other value
 * for an implicit session with the tenant's defaults), and {@code /internal/tenant/defaults}, what those defaults
 * give an implicit session.
 */
package io.warmpath.session.sessions;
