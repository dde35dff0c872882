/**
 * {@code POST /v1/decisions}: validating a batch of questions, answering each with Cedar against the active policy
 * set, and recording every answer in the audit log.
 */
@NullMarked
package io.warmpath.policy.decisions;

import org.jspecify.annotations.NullMarked;
