package io.warmpath.artifacts.store;

/**
 * What a write stored.
 *
 * @param size   bytes
 * @param sha256 lower-case hex SHA-256 of the bytes, as computed while they streamed through
 */
public record StoredObject(long size, String sha256) {
}
