package io.warmpath.policy.decisions;

import java.util.List;

/** The data classes sessions and artifacts carry, lowest first. */
final class DataClass {

    static final List<String> ALL = List.of("public", "internal", "confidential", "regulated");

    /** For data that names no class, and for principals without a clearance. */
    static final String DEFAULT = "internal";

    private DataClass() {
    }

    static boolean isKnown(String value) {
        return ALL.contains(value);
    }
}
