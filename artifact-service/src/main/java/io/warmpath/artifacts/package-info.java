/** The artifact service: agents' files, tool outputs, transcripts and checkpoints on S3, per tenant and region. */
@NullMarked
package io.warmpath.artifacts;

import org.jspecify.annotations.NullMarked;
