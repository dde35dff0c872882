package io.warmpath.gateway.idempotency;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response that copies its body as it passes, up to a limit, without holding any of it back: a stream reaches the
 * client event by event, and its bytes are kept for a repeat of the request.
 */
final class RecordingResponse extends ServerHttpResponseDecorator {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final long limit;
    // Confined to the response's (serial) writes; read once they are done.
    private ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private long size;
    /** The body's last bytes, however large it is: whether a stream ended with [DONE]. */
    private final byte[] tail = new byte[DONE.length];
    private int tailFilled;

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

    /** Whether it is an event stream that did not end with {@code [DONE]}: cut short or broken off. */
    boolean brokenStream() {
        MediaType type = getHeaders().getContentType();
        if (type == null || !type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM)) {
            return false;
        }
        return tailFilled < DONE.length || !Arrays.equals(tail, DONE);
    }

    /** The body written, when {@link #complete()}. */
    byte[] body() {
        return copy == null ? new byte[0] : copy.toByteArray();
    }

    private void record(DataBuffer buffer) {
        int readable = buffer.readableByteCount();
        size += readable;
        keepTail(buffer, readable);
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

    private void keepTail(DataBuffer buffer, int readable) {
        int take = Math.min(readable, tail.length);
        int keep = Math.min(tailFilled, tail.length - take);
        System.arraycopy(tail, tailFilled - keep, tail, 0, keep);
        buffer.toByteBuffer(buffer.readPosition() + readable - take, ByteBuffer.wrap(tail), keep, take);
        tailFilled = keep + take;
    }
}
