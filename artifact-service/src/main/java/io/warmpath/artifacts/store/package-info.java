/** S3 buckets, one per region: streamed writes with their hash checked, reads, listings and presigned URLs. */
@NullMarked
package io.warmpath.artifacts.store;

import org.jspecify.annotations.NullMarked;
