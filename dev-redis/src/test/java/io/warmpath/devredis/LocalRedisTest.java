package io.warmpath.devredis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalRedisTest {

    @Test
    void startedServerStoresAndReturnsAValueThenStopsOnClose() throws IOException {
        int port = freePort();
        try (LocalRedis redis = LocalRedis.start(port, "maxmemory 16mb")) {
            System.out.println("Redis under test: " + redis.kind());
            assertThat(command(port, "SET greeting hello")).isEqualTo("+OK");
            assertThat(command(port, "GET greeting")).isEqualTo("$5");
            assertThat(reply(port, "CONFIG GET maxmemory", 5)).endsWith("16777216");
        }
        assertThatThrownBy(() -> command(port, "PING")).isInstanceOf(IOException.class);
    }

    @Test
    void serverThatNeverAnswersIsReportedWithItsPort() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            int port = silent.getLocalPort();
            // Accepts connections (the backlog) but never replies: awaitPong must give up, not hang.
            assertThatThrownBy(() -> LocalRedis.awaitPong(port, Duration.ofMillis(600)))
                    .hasMessageContaining(Integer.toString(port));
        }
    }

    /** Sends one inline command and returns the first line of the reply. */
    private static String command(int port, String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    /** The first {@code lines} lines of the reply, joined by spaces. */
    private static String reply(int port, String command, int lines) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                text.append(i == 0 ? "" : " ").append(in.readLine());
            }
            return text.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
