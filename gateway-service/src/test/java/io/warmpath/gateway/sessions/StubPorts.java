package io.warmpath.gateway.sessions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for tests that need nothing listening. */
public final class StubPorts {

    private StubPorts() {
    }

    /** A port that was free a moment ago and that nothing listens on now: connections to it are refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
