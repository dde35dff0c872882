package io.warmpath.artifacts.store;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** The audit bucket policy-service ships its records to, when this deployment has one. */
public final class AuditArchive {

    private final @Nullable ObjectStore store;

    AuditArchive(@Nullable ObjectStore store) {
        this.store = store;
    }

    public Optional<ObjectStore> store() {
        return Optional.ofNullable(store);
    }
}
