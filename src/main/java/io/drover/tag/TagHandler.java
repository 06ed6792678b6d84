package io.drover.tag;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers {@code GET /drover.js}: gzipped when the browser accepts it, cacheable, and revalidated by its ETag (304),
 * so that a returning visitor pays one small request per hour at most.
 */
final class TagHandler implements Handler<RoutingContext> {

    /** An hour: the path carries no version, so a new Drover's tag reaches browsers within that time. */
    static final String CACHE_CONTROL = "public, max-age=3600";

    private final TagScript script;
    private final Buffer plain;
    private final Buffer gzipped;

    TagHandler(TagScript script) {
        this.script = script;
        this.plain = Buffer.buffer(script.plain());
        this.gzipped = Buffer.buffer(script.gzipped());
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = request.response();
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.putHeader("Allow", "GET, HEAD").setStatusCode(405).end();
            return;
        }
        response.putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                .putHeader(HttpHeaders.ETAG, script.etag())
                .putHeader(HttpHeaders.VARY, "Accept-Encoding")
                // Sites that isolate themselves (Cross-Origin-Embedder-Policy) may still load it from Drover's host.
                .putHeader("Cross-Origin-Resource-Policy", "cross-origin")
                .putHeader("X-Content-Type-Options", "nosniff")
                // A public script: <script crossorigin> (SRI, readable error reports) and the site's own
                // measurements (Resource Timing) work with it.
                .putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Timing-Allow-Origin", "*");
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        boolean gzip = acceptsGzip(request.getHeader(HttpHeaders.ACCEPT_ENCODING));
        Buffer body = gzip ? gzipped : plain;
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8");
        if (gzip) {
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end();
        } else {
            response.end(body);
        }
    }

    /** If-None-Match holds a list of tags, weak or strong, or {@code *}; compared weakly (RFC 9110, 13.1.2). */
    private boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        String ours = opaque(script.etag());
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || opaque(t).equals(ours)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    private static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equalsIgnoreCase("gzip")) {
                return parts.length < 2 || !parts[1].replace(" ", "").equalsIgnoreCase("q=0");
            }
        }
        return false;
    }
}
