/**
 * {@code /v1/audit}: the tenant's policy audit records, as policy-service shipped them to the audit bucket, listed in
 * time order and read batch by batch.
 */
@NullMarked
package io.warmpath.artifacts.audit;

import org.jspecify.annotations.NullMarked;
