package io.warmpath.artifacts.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class UnreadBodyTest {

    @Test
    void aRetryBeforeAnyByteWasReadGetsTheWholeBody() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream source = new ByteArrayInputStream("payload".getBytes()) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        UnreadBody body = new UnreadBody(source);

        body.newStream().close();
        assertThat(body.newStream().readAllBytes()).asString().isEqualTo("payload");
        assertThat(closed).as("the request's stream stays open for the next attempt").isFalse();
    }

    @Test
    void aRetryAfterPartOfTheBodyWentIsRefused() throws Exception {
        UnreadBody body = new UnreadBody(new ByteArrayInputStream("payload".getBytes()));

        assertThat(body.newStream().read(new byte[3])).isEqualTo(3);

        assertThatThrownBy(body::newStream).isInstanceOf(IllegalStateException.class);
    }
}
