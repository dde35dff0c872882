package io.warmpath.policy.policies;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Polls the policy directory. Polling (rather than a file watch) also sees a Kubernetes ConfigMap update, which
 * swaps a symlink rather than writing the files, and costs a read of a few small files per interval.
 */
@Component
class PolicyReloader {

    private final PolicyStore store;

    PolicyReloader(PolicyStore store) {
        this.store = store;
    }

    @Scheduled(fixedDelayString = "${warmpath.policy.reload-interval:2s}",
            initialDelayString = "${warmpath.policy.reload-interval:2s}")
    void poll() {
        store.reloadIfChanged();
    }
}
