/**
 * Regional processing at the edge: before a cell is chosen, policy-service decides which regions may process the
 * request's data (the session's data class and pinned region, the caller's roles and clearance), and only cells in
 * those regions are candidates. No allowed cell is a 403 {@code region_not_allowed}, never a silent fallback to
 * another region; policy-service unreachable, slow or failing is a 503 (fail closed). Also provides the gateway's
 * {@link io.warmpath.policy.client.PolicyClient}, which the tool routes use too.
 */
@NullMarked
package io.warmpath.gateway.policy;

import org.jspecify.annotations.NullMarked;
