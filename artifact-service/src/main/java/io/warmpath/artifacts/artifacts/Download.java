package io.warmpath.artifacts.artifacts;

import java.io.InputStream;

import org.jspecify.annotations.Nullable;

/**
 * An artifact's bytes on their way out: the caller streams {@code body} and closes it.
 *
 * @param artifact     its metadata
 * @param body         the bytes (of the range, when one was asked for)
 * @param length       how many bytes {@code body} has
 * @param contentRange the {@code Content-Range} of a 206, {@code null} for the whole artifact
 */
record Download(Artifact artifact, InputStream body, long length, @Nullable String contentRange) {
}
