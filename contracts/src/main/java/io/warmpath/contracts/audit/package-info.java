/**
 * Where policy-service's audit records are kept in the audit bucket, so that the service that writes them
 * (policy-service) and the one that lists them (artifact-service) agree on one layout.
 */
@NullMarked
package io.warmpath.contracts.audit;

import org.jspecify.annotations.NullMarked;
