package io.drover.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Inflates a gzipped body, refusing it as soon as it grows past the limit (a small bomb must not fill the heap). */
final class Gzip {

    private Gzip() {
    }

    static boolean looksGzipped(byte[] body) {
        return body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
    }

    static byte[] inflate(byte[] body, int limit) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, body.length * 4 + 64));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > limit) {
                    throw new IngestException(413, "body_too_large",
                            "the body inflates to more than " + limit + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw IngestException.badRequest("invalid_gzip", "the body is labelled gzip but cannot be inflated: " + e.getMessage());
        }
    }
}
