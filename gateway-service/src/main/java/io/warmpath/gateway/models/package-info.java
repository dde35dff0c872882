/**
 * The models the gateway offers: {@code GET /v1/models} lists the union of the healthy cells' models plus configured
 * aliases, as far as the caller may use them, and {@link io.warmpath.gateway.models.ModelAliasFilter} sends a request
 * naming an alias to its model.
 */
@NullMarked
package io.warmpath.gateway.models;

import org.jspecify.annotations.NullMarked;
