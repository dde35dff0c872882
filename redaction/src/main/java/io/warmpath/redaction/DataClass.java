package io.warmpath.redaction;

import java.util.Locale;

/**
 * The data classes of Warmpath sessions, from least to most sensitive. They decide what a log may keep of a
 * payload: see {@link PayloadLogView}.
 */
public enum DataClass {

    PUBLIC, INTERNAL, CONFIDENTIAL, REGULATED;

    /**
     * Parses the wire form ({@code public}, {@code internal}, {@code confidential}, {@code regulated}, any case).
     * Anything else, including {@code null}, is {@link #REGULATED}: an unknown class gets the strictest handling.
     */
    public static DataClass fromWire(String value) {
        if (value == null) {
            return REGULATED;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "public" -> PUBLIC;
            case "internal" -> INTERNAL;
            case "confidential" -> CONFIDENTIAL;
            default -> REGULATED;
        };
    }

    /** Whether a log may hold this class's text once the {@link Redactor} has gone over it. */
    public boolean allowsRedactedText() {
        return this == PUBLIC || this == INTERNAL;
    }

    /** The wire form. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
