/**
 * The active policy set: read from a directory or the classpath defaults, validated against the Cedar schema,
 * swapped atomically on a valid change and kept on an invalid one.
 */
@NullMarked
package io.warmpath.policy.policies;

import org.jspecify.annotations.NullMarked;
