package io.drover.tag;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The web site of the browser tests: HTML pages on 127.0.0.1 (another port than Drover's, so the tag's requests are
 * cross-origin and same-site, as with Drover on a subdomain of the shop).
 */
final class ShopPages implements AutoCloseable {

    /** The loader snippet of docs/tag.md, with the Drover address to fill in. */
    static final String SNIPPET = """
            !function(w,d){var a=w.drover=w.drover||[];if(a.track)return;
            "load track identify page screen group alias reset ready consent flush".split(" ").forEach(function(m){
            a[m]=a[m]||function(){a.push([m].concat([].slice.call(arguments)))}});
            var s=d.createElement("script");s.async=!0;s.src="DROVER_HOST/drover.js";d.head.appendChild(s)}(window,document);
            """;

    private final HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final Map<String, Path> scripts = new ConcurrentHashMap<>();

    ShopPages() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            Path script = scripts.get(exchange.getRequestURI().getPath());
            if (script != null) {
                byte[] body = Files.readAllBytes(script);
                exchange.getResponseHeaders().set("Content-Type", "application/javascript; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            String page = pages.get(exchange.getRequestURI().getPath());
            byte[] body = (page == null ? "<!doctype html><title>none</title>" : page).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String pathAndQuery) {
        return origin() + pathAndQuery;
    }

    /**
     * Makes the browser a new visitor of the shop: no cookies on 127.0.0.1 (the shop's and Drover's), nothing in the
     * shop's localStorage.
     */
    void newVisitor(WebDriver browser) {
        browser.get(url("/blank"));
        browser.manage().deleteAllCookies();
        ((JavascriptExecutor) browser).executeScript("localStorage.clear()");
    }

    void add(String path, String html) {
        pages.put(path, html);
    }

    /** Serves a file of the disk (a third-party script) at {@code path} as JavaScript. */
    void addScript(String path, Path file) {
        scripts.put(path, file);
    }

    /**
     * A shop page: the snippet loads drover.js from {@code scriptHost}, the tag sends to {@code apiHost} with the
     * given load options (JavaScript object members), then sends a page view. Its button tracks a click and shows
     * that the page itself still works; uncaught errors are collected in {@code window.pageErrors}.
     */
    static String shop(String scriptHost, String writeKey, String apiHost, String loadOptions) {
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
                <script>window.pageErrors=[];window.addEventListener('error',function(e){pageErrors.push(String(e.message))});</script>
                <script>SNIPPET
                drover.load('WRITE_KEY', {apiHost: 'API_HOST', OPTIONS});
                drover.page();</script>
                </head><body>
                <button id="buy" onclick="drover.track('Order Completed', {revenue: 19.99, currency: 'EUR'});
                  document.getElementById('out').textContent = 'clicked ' + (++window.clicks)">Buy</button>
                <p id="out"></p><script>window.clicks = 0;</script>
                </body></html>
                """.replace("SNIPPET", SNIPPET.replace("DROVER_HOST", scriptHost)).replace("WRITE_KEY", writeKey)
                .replace("API_HOST", apiHost).replace("OPTIONS", loadOptions);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
