package io.warmpath.contracts;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * How sensitive a session's data is, from least to most. One rule everywhere: a class that is missing or unknown
 * is {@link #REGULATED}, the strictest, so a value lost on the way never weakens a check. Defaults that are meant
 * to be weaker (a tenant's configured default class) are configuration, not a missing value.
 */
public enum DataClass {

    PUBLIC, INTERNAL, CONFIDENTIAL, REGULATED;

    /** The strictest class: what a missing or unknown class is taken to be. */
    public static final DataClass STRICTEST = REGULATED;

    /**
     * The class a wire value names ({@code public}, {@code internal}, {@code confidential}, {@code regulated}, any
     * case, surrounding blanks ignored); {@link #STRICTEST} for anything else, {@code null} included.
     */
    @JsonCreator
    public static DataClass fromWire(@Nullable String value) {
        return parse(value).orElse(STRICTEST);
    }

    /** The class a wire value names exactly, or empty: for validating input, where an unknown value is a 400. */
    public static Optional<DataClass> parse(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "public" -> Optional.of(PUBLIC);
            case "internal" -> Optional.of(INTERNAL);
            case "confidential" -> Optional.of(CONFIDENTIAL);
            case "regulated" -> Optional.of(REGULATED);
            default -> Optional.empty();
        };
    }

    /** The wire form: the lower-case name. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this class is no more sensitive than {@code ceiling}. */
    public boolean atMost(DataClass ceiling) {
        return compareTo(ceiling) <= 0;
    }

    /** The stricter of two classes. */
    public DataClass stricter(DataClass other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
