/**
 * Tools with strict scoping: {@code POST /v1/tools/{name}/invoke} for registered tools only, with scope
 * {@code tools:<name>}, a data-class ceiling, JSON Schema validation of the input, a policy decision
 * ({@code invoke_tool}, failing closed) and an {@link io.warmpath.gateway.tools.EgressGuard} that admits only
 * allowlisted origins, re-checks every resolved address (no loopback, private, link-local, metadata, unspecified,
 * multicast or reserved addresses unless an entry allows private ones) and pins the connection to the checked address.
 * Chat completions lose the tools their token is not scoped for before a cell sees them.
 */
@NullMarked
package io.warmpath.gateway.tools;

import org.jspecify.annotations.NullMarked;
