/** Transcripts of recorded sessions: each turn's request and answer, redacted, stored at artifact-service. */
@NullMarked
package io.warmpath.inference.transcripts;

import org.jspecify.annotations.NullMarked;
