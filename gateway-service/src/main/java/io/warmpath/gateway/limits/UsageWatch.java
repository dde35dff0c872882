package io.warmpath.gateway.limits;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import io.warmpath.contracts.UsageReport;
import io.warmpath.contracts.WarmpathHeaders;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response that notes the tokens its cell reports the turn used ({@link UsageReport}): the header of a whole answer
 * (removed before the client sees it), or the comment a stream carries, found as the bytes pass without holding any
 * of them back.
 */
final class UsageWatch extends ServerHttpResponseDecorator {

    private static final byte[] MARKER = ("\n" + UsageReport.COMMENT_PREFIX).getBytes(StandardCharsets.US_ASCII);
    /** More digits than any count of tokens has: a malformed report is ignored, not parsed forever. */
    private static final int MAX_DIGITS = 18;

    /** Whether streams are read for the report: only when there is a reservation to settle with it. */
    private final boolean readStreams;
    private volatile long reported = -1;
    // Scanner state, confined to the response's (serial) writes.
    private int matched;
    private long digitsValue;
    private int digits;

    UsageWatch(ServerHttpResponse delegate, boolean readStreams) {
        super(delegate);
        this.readStreams = readStreams;
    }

    /** The tokens reported; -1 when none was. */
    long reportedTokens() {
        return reported;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        takeHeader();
        return super.writeWith(Flux.from(body).doOnNext(this::scan));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        takeHeader();
        return super.writeAndFlushWith(Flux.from(body).map(frames -> Flux.from(frames).doOnNext(this::scan)));
    }

    private void takeHeader() {
        String value = getHeaders().getFirst(WarmpathHeaders.USAGE);
        if (value != null) {
            getHeaders().remove(WarmpathHeaders.USAGE);
            OptionalLong tokens = UsageReport.parseHeader(value);
            if (tokens.isPresent()) {
                reported = tokens.getAsLong();
            }
        }
    }

    private void scan(DataBuffer buffer) {
        if (!readStreams || reported >= 0) {
            return;
        }
        int end = buffer.writePosition();
        for (int i = buffer.readPosition(); i < end; i++) {
            accept(buffer.getByte(i));
        }
    }

    /** One byte of the stream: matches the marker, then reads digits up to the end of the line. */
    private void accept(byte b) {
        if (matched < MARKER.length) {
            if (b == MARKER[matched]) {
                matched++;
            } else {
                matched = b == MARKER[0] ? 1 : 0;
            }
            return;
        }
        if (b >= '0' && b <= '9' && digits < MAX_DIGITS) {
            digitsValue = digitsValue * 10 + (b - '0');
            digits++;
            return;
        }
        if (b == '\n' && digits > 0) {
            reported = digitsValue;
        }
        matched = b == MARKER[0] ? 1 : 0;
        digitsValue = 0;
        digits = 0;
    }
}
