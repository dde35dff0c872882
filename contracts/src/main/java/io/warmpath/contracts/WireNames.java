package io.warmpath.contracts;

/** Names as they are on the wire: every DTO's fields are snake_case there. */
public final class WireNames {

    private WireNames() {
    }

    /** {@code promptTokens} as {@code prompt_tokens}; a path such as {@code budgets.maxCostUsd} part by part. */
    public static String of(String javaName) {
        StringBuilder wire = new StringBuilder(javaName.length() + 8);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && javaName.charAt(i - 1) != '.') {
                    wire.append('_');
                }
                wire.append(Character.toLowerCase(c));
            }
            else {
                wire.append(c);
            }
        }
        return wire.toString();
    }
}
