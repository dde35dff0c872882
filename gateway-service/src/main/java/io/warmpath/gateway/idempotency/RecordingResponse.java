package io.warmpath.gateway.idempotency;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response that copies its body as it passes, up to a limit, without holding any of it back: a stream reaches the
 * client event by event, and its bytes are kept for a repeat of the request.
 */
final class RecordingResponse extends ServerHttpResponseDecorator {

    private final long limit;
    // Confined to the response's (serial) writes; read once they are done.
    private ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private long size;

    RecordingResponse(ServerHttpResponse delegate, long limit) {
        super(delegate);
        this.limit = limit;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        return super.writeWith(Flux.from(body).doOnNext(this::record));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return super.writeAndFlushWith(Flux.from(body).map(frames -> Flux.from(frames).doOnNext(this::record)));
    }

    /** The body's size so far. */
    long size() {
        return size;
    }

    /** Whether the whole body was within the limit. */
    boolean complete() {
        return copy != null;
    }

    /** The body written, when {@link #complete()}. */
    byte[] body() {
        return copy == null ? new byte[0] : copy.toByteArray();
    }

    private void record(DataBuffer buffer) {
        int readable = buffer.readableByteCount();
        size += readable;
        if (copy == null) {
            return;
        }
        if (size > limit) {
            copy = null;
            return;
        }
        byte[] bytes = new byte[readable];
        // Copied without moving the read position: the buffer is still to be written.
        buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(bytes), 0, readable);
        copy.writeBytes(bytes);
    }
}
