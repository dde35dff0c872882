package io.warmpath.policy.decisions;

/** A batch that asks about another tenant than the caller's assertion names: a 403, and nothing is decided. */
public class ForeignTenantException extends RuntimeException {

    ForeignTenantException() {
        super("Decisions can only be asked about the caller's own tenant", null, false, false);
    }
}
