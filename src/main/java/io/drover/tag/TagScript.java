package io.drover.tag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * drover.js as served: read once from the class path, gzipped once, with an ETag of its content. The file is written
 * to be served as is (no build step, no minifier): what is in {@code src/main/resources/tag/drover.js} is what
 * browsers run.
 */
final class TagScript {

    static final String RESOURCE = "tag/drover.js";

    private final byte[] plain;
    private final byte[] gzipped;
    private final String etag;

    private TagScript(byte[] plain) {
        this.plain = plain;
        this.gzipped = gzip(plain);
        // Weak: the plain and the gzipped bytes are two encodings of the same script, and one tag validates both.
        this.etag = "W/\"" + HexFormat.of().formatHex(sha256(plain), 0, 12) + "\"";
    }

    static TagScript load() {
        try (InputStream in = TagScript.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new TagScript(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] plain() {
        return plain;
    }

    byte[] gzipped() {
        return gzipped;
    }

    String etag() {
        return etag;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3);
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
