/**
 * Session-to-cell bindings (internal API): the gateway's {@code sticky} policy stores where a session's cache lives,
 * with compare-and-set on an epoch so that two gateways never silently overwrite each other, and reads the sessions
 * of a cell back from a per-cell index.
 */
package io.warmpath.session.bindings;
