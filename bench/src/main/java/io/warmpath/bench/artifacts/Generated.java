package io.warmpath.bench.artifacts;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import io.warmpath.contracts.Ids;

/** A stream of {@code size} pseudo-random bytes made as they are read, hashed on the way; nothing is kept. */
final class Generated extends InputStream {

    private final long size;
    private final SplittableRandom random = new SplittableRandom(7);
    private final MessageDigest digest = Ids.sha256();
    private long produced;
    private String sha256;

    Generated(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (produced >= size) {
            return -1;
        }
        int count = (int) Math.min(length, size - produced);
        for (int i = 0; i < count; i += 8) {
            long bits = random.nextLong();
            for (int b = 0; b < 8 && i + b < count; b++) {
                buffer[offset + i + b] = (byte) (bits >>> (8 * b));
            }
        }
        digest.update(buffer, offset, count);
        produced += count;
        return count;
    }

    /** The SHA-256 of everything produced; read it once the stream has ended. */
    String sha256() {
        if (sha256 == null) {
            if (produced < size) {
                throw new IllegalStateException("the stream has not been read to its end");
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }
}
