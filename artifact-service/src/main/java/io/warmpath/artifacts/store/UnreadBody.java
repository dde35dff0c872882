package io.warmpath.artifacts.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request's body streamed into one S3 PUT, which the SDK may send again only while none of it has been read: a
 * retry after a failure to connect (a pooled connection the server had closed, say) goes through; one after part of
 * the body went cannot, since those bytes are gone, and fails instead.
 */
final class UnreadBody implements ContentStreamProvider {

    private final InputStream source;
    private volatile long read;

    UnreadBody(InputStream source) {
        this.source = source;
    }

    @Override
    public InputStream newStream() {
        if (read > 0) {
            throw new IllegalStateException("part of the body was sent before the attempt failed; it cannot be sent "
                    + "again");
        }
        return new FilterInputStream(source) {
            @Override
            public int read() throws IOException {
                int next = super.read();
                if (next >= 0) {
                    read++;
                }
                return next;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int count = super.read(buffer, offset, length);
                if (count > 0) {
                    read += count;
                }
                return count;
            }

            @Override
            public void close() {
                // The servlet container owns the request's stream; a failed attempt must not close it for the next.
            }
        };
    }

    @Override
    public String name() {
        return "UnreadBody";
    }
}
