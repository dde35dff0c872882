package io.warmpath.inference.cell;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Hooks;

/**
 * Failures of calls the cell had already given up on (a reserve past its deadline, say) arrive with nobody left to
 * handle them; Reactor logs those at ERROR with their message and stack, which name the call's URI, and a URI of
 * session-service names the session. Logged here by type only, at DEBUG: the caller was answered long ago.
 */
@Component
class DroppedErrors implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DroppedErrors.class);

    DroppedErrors() {
        Hooks.onErrorDropped(failure -> log.debug("A call given up on failed afterwards: {}",
                failure.getClass().getSimpleName()));
    }

    @Override
    public void destroy() {
        Hooks.resetOnErrorDropped();
    }
}
