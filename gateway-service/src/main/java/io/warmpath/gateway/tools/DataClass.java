package io.warmpath.gateway.tools;

import java.util.Locale;
import java.util.Optional;

/** How sensitive data is, lowest first; the same four names as sessions' {@code data_class}. */
enum DataClass {

    PUBLIC, INTERNAL, CONFIDENTIAL, REGULATED;

    /** The class a tool call has when the request names none (as for inference without a session). */
    static final DataClass DEFAULT = INTERNAL;

    static Optional<DataClass> parse(String name) {
        for (DataClass candidate : values()) {
            if (candidate.wireName().equals(name)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean atMost(DataClass ceiling) {
        return compareTo(ceiling) <= 0;
    }
}
