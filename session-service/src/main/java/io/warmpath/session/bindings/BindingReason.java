package io.warmpath.session.bindings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Why the gateway (re)binds a session; a metric tag, so a closed set. */
enum BindingReason {
    NEW, REBIND_UNHEALTHY, REBIND_SLOW, REBIND_MODEL, REBIND_GONE;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<BindingReason> parse(String value) {
        return Arrays.stream(values()).filter(reason -> reason.tag().equals(value)).findFirst();
    }
}
