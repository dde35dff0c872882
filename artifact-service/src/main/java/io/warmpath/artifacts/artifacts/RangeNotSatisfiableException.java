package io.warmpath.artifacts.artifacts;

/** A 416: the {@code Range} asked for starts past the end of an artifact of {@link #size()} bytes. */
public final class RangeNotSatisfiableException extends RuntimeException {

    private final long size;

    RangeNotSatisfiableException(long size) {
        super("the range starts past the end of the artifact");
        this.size = size;
    }

    public long size() {
        return size;
    }
}
