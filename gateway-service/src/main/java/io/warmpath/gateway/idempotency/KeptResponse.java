package io.warmpath.gateway.idempotency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * A served request's response as a repeat gets it again: status, the headers that describe it, and the body (a
 * stream's whole event bytes). Kept compressed: completions and their event streams shrink several times.
 *
 * @param headers names and values, in order
 */
record KeptResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    private static final int FORMAT = 1;

    KeptResponse {
        headers = List.copyOf(headers);
    }

    byte[] encoded() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 4 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes, deflater))) {
            out.writeByte(FORMAT);
            out.writeShort(status);
            out.writeShort(headers.size());
            for (Map.Entry<String, String> header : headers) {
                out.writeUTF(header.getKey());
                out.writeUTF(header.getValue());
            }
            out.writeInt(body.length);
            out.write(body);
        }
        catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    /** @throws IOException when the bytes are not a kept response of this format */
    static KeptResponse decode(byte[] encoded) throws IOException {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(encoded)))) {
            if (in.readUnsignedByte() != FORMAT) {
                throw new IOException("unknown format");
            }
            int status = in.readUnsignedShort();
            int count = in.readUnsignedShort();
            List<Map.Entry<String, String>> headers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                headers.add(Map.entry(in.readUTF(), in.readUTF()));
            }
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return new KeptResponse(status, headers, body);
        }
    }
}
