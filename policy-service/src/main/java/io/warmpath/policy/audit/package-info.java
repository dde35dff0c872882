/**
 * Shipping the audit records: every decision's record, in batches per tenant, to an append-only audit bucket on S3,
 * where artifact-service lists them for the tenant ({@code GET /v1/audit}).
 */
@NullMarked
package io.warmpath.policy.audit;

import org.jspecify.annotations.NullMarked;
