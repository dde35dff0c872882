/** The artifact API: per-tenant keys, policy on every write and read, idempotent uploads, retention and holds. */
@NullMarked
package io.warmpath.artifacts.artifacts;

import org.jspecify.annotations.NullMarked;
