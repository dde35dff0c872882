/**
 * The cell's own regional check: before its engine sees a request, the cell asks policy-service whether this
 * principal may process this class of data in the cell's region (action {@code infer} on its own {@code Cell}). A
 * deny is a 403 {@code region_not_allowed}; policy-service failing, slow or down is a 503 (fail closed).
 */
@NullMarked
package io.warmpath.inference.policy;

import org.jspecify.annotations.NullMarked;
