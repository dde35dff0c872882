package io.warmpath.routing;

import java.nio.charset.StandardCharsets;

/**
 * A fast, well-mixed 64-bit string hash for ring placement. Not cryptographic: routing keys only need spread.
 */
final class Hashing {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing() {
    }

    /** FNV-1a over the UTF-8 bytes, finished with MurmurHash3's fmix64 so that near keys land far apart. */
    static long hash64(String value) {
        long h = FNV_OFFSET;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
