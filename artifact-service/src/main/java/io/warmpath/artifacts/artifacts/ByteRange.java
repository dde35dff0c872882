package io.warmpath.artifacts.artifacts;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of an object of known size (RFC 9110, section 14.1.2): {@code bytes=first-last},
 * {@code bytes=first-} or {@code bytes=-suffixLength}. Several ranges in one header are served as the whole object,
 * which the RFC allows.
 */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /**
     * The range {@code header} asks of an object of {@code size} bytes; empty for no header, an unreadable one, or
     * several ranges (the whole object is served).
     *
     * @throws UnsatisfiableRangeException a single range that starts past the end (a 416)
     */
    static Optional<ByteRange> parse(String header, long size) {
        Matcher matcher = SINGLE.matcher(header.strip());
        if (header.isBlank() || !matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
            return Optional.empty();
        }
        if (matcher.group(1).isEmpty()) {
            long suffix = Long.parseLong(matcher.group(2));
            if (suffix == 0 || size == 0) {
                throw new UnsatisfiableRangeException();
            }
            return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = Long.parseLong(matcher.group(1));
        long last = matcher.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(matcher.group(2));
        if (last < first) {
            return Optional.empty();
        }
        if (first >= size) {
            throw new UnsatisfiableRangeException();
        }
        return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
    }

    long length() {
        return last - first + 1;
    }

    String header() {
        return "bytes=" + first + "-" + last;
    }

    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** A range that starts past the end of the object. */
    static final class UnsatisfiableRangeException extends RuntimeException {

        UnsatisfiableRangeException() {
            super("the range starts past the end of the artifact");
        }
    }
}
