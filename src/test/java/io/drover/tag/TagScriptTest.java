package io.drover.tag;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.zip.GZIPInputStream;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /drover.js} as a browser and a cache see it. */
class TagScriptTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void theTagIsServedAsCacheableJavaScript() {
        Http.Response r = Http.send("GET", drover.url("/drover.js"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(r.header("cache-control")).isEqualTo("public, max-age=3600");
        assertThat(r.header("etag")).matches("W/\"[0-9a-f]{24}\"");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("timing-allow-origin")).isEqualTo("*");
        assertThat(r.header("content-encoding")).isNull();
        assertThat(r.body()).startsWith("/*! drover.js").contains("window.drover = drover");
    }

    @Test
    void gzippedItIsUnderTenKilobytes() throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(drover.url("/drover.js")))
                .header("Accept-Encoding", "br, gzip;q=0.8").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(r.headers().firstValue("vary")).hasValue("Accept-Encoding");
        assertThat(r.body().length).isLessThan(10 * 1024);
        assertThat(gunzip(r.body())).isEqualTo(TagScript.load().plain());
    }

    @Test
    void aKnownEtagIsAnswered304() {
        String etag = Http.send("GET", drover.url("/drover.js"), null).header("etag");
        for (String ifNoneMatch : new String[] {etag, etag.substring(2), "\"other\", " + etag, "*"}) {
            Http.Response r = Http.send("GET", drover.url("/drover.js"), null, "If-None-Match", ifNoneMatch);
            assertThat(r.status()).as(ifNoneMatch).isEqualTo(304);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("etag")).isEqualTo(etag);
            assertThat(r.header("cache-control")).isEqualTo("public, max-age=3600");
        }
        assertThat(Http.send("GET", drover.url("/drover.js"), null, "If-None-Match", "W/\"stale\"").status())
                .isEqualTo(200);
    }

    @Test
    void headAnswersWithoutABodyAndOtherMethodsAre405() {
        Http.Response head = Http.send("HEAD", drover.url("/drover.js"), null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo(String.valueOf(TagScript.load().plain().length));
        Http.Response post = Http.send("POST", drover.url("/drover.js"), new byte[0]);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("allow")).isEqualTo("GET, HEAD");
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
