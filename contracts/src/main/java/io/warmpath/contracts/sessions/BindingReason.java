package io.warmpath.contracts.sessions;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Why the gateway (re)binds a session; a metric tag at session-service, so a closed set. */
public enum BindingReason {

    NEW, REBIND_UNHEALTHY, REBIND_SLOW, REBIND_MODEL, REBIND_GONE;

    /** The values {@link BindRequest#reason()} accepts, as a regular expression. */
    public static final String PATTERN = "new|rebind_unhealthy|rebind_slow|rebind_model|rebind_gone";

    /** The wire form and metric tag. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BindingReason> parse(String value) {
        return Arrays.stream(values()).filter(reason -> reason.tag().equals(value)).findFirst();
    }
}
