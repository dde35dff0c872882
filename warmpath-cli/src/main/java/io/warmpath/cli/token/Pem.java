package io.warmpath.cli.token;

import java.util.Base64;

/** The PEM text armour (RFC 7468) around DER bytes: what OpenSSL and Spring Security's key converters read. */
final class Pem {

    private static final Base64.Encoder LINES_OF_64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + LINES_OF_64.encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /** The DER bytes inside a PEM block with the given label; rejects any other label (e.g. PKCS#1 "RSA PRIVATE KEY"). */
    static byte[] decode(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int start = pem.indexOf(begin);
        int stop = pem.indexOf(end);
        if (start < 0 || stop < start) {
            throw new IllegalArgumentException("not a PEM block labelled '" + label + "'");
        }
        String body = pem.substring(start + begin.length(), stop).replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
