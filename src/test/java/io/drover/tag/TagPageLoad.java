package io.drover.tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.drover.testing.Chromium;
import io.drover.testing.TestDrover;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Measures what drover.js adds to a page's load in headless Chromium (bench/tag.sh runs it; docs/tag.md has the
 * figures): the same shop page with and without the snippet, alternately, N times each, first with the browser cache
 * off (a first visit) then on (a returning visitor: drover.js from the cache), medians of the Navigation Timing and
 * Resource Timing entries. Not a test: it has no JUnit annotation, Surefire never runs it.
 */
public final class TagPageLoad {

    private static final String PLAIN_PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body>
            <button id="buy">Buy</button><p id="out"></p></body></html>
            """;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        TestDrover drover = TestDrover.shared();
        try (ShopPages pages = new ShopPages()) {
            pages.add("/without", PLAIN_PAGE);
            pages.add("/with", ShopPages.shop(drover.url(""), TestDrover.OPEN_KEY, drover.url(""), "flushAt: 20")
                    .replace("drover.page();", "drover.page(); drover.ready(function () { window.droverReady = performance.now(); });"));
            // The tag's own main-thread time: evaluating the script and load(), timed around them in the page.
            pages.add("/eval", """
                    <!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><script>
                    fetch('DROVER/drover.js').then(function (r) { return r.text(); }).then(function (text) {
                      var t0 = performance.now();
                      (0, eval)(text);
                      drover.load('KEY', {apiHost: 'DROVER'});
                      drover.page();
                      window.tagMs = performance.now() - t0;
                    });
                    </script></body></html>
                    """.replace("DROVER", drover.url("")).replace("KEY", TestDrover.OPEN_KEY));
            ChromeDriver browser = Chromium.start();
            try {
                browser.get(pages.url("/without"));   // the browser's own start-up is not counted
                System.out.printf("drover.js: %d bytes, %d gzipped; %d runs of each page; %s%n",
                        TagScript.load().plain().length, TagScript.load().gzipped().length, runs,
                        browser.getCapabilities().getBrowserVersion());
                System.out.println();
                System.out.println("| visit | page | HTML received ms | DOMContentLoaded ms | load event end ms | load after HTML ms | drover.js transfer bytes | drover.js fetched ms | drover ready ms |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                browser.executeCdpCommand("Network.enable", Map.of());
                String evalLine = "";
                for (boolean cache : new boolean[] {false, true}) {
                    browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", !cache));
                    List<Map<String, Object>> without = new ArrayList<>();
                    List<Map<String, Object>> with = new ArrayList<>();
                    measure(browser, pages.url("/with"));   // fills the cache (or warms the connection)
                    for (int i = 0; i < runs; i++) {
                        without.add(measure(browser, pages.url("/without")));
                        with.add(measure(browser, pages.url("/with")));
                    }
                    String visit = cache ? "returning (cached)" : "first (no cache)";
                    print(visit, "without tag", without);
                    print(visit, "with tag", with);
                    if (!cache) {
                        List<Double> tagMs = new ArrayList<>();
                        for (int i = 0; i < runs; i++) {
                            browser.get(pages.url("/eval"));
                            new WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                                    .until(d -> browser.executeScript("return window.tagMs") != null);
                            tagMs.add(((Number) browser.executeScript("return window.tagMs")).doubleValue());
                        }
                        Collections.sort(tagMs);
                        evalLine = String.format(Locale.ROOT, "Main-thread time of evaluating drover.js, load() and the"
                                + " first page(): median %.1f ms (min %.1f, max %.1f)", tagMs.get(tagMs.size() / 2),
                                tagMs.get(0), tagMs.get(tagMs.size() - 1));
                    }
                    System.out.printf(Locale.ROOT, "| %s | **added by the tag** | | %.1f | %.1f | %.1f | | | |%n", visit,
                            median(with, "dcl") - median(without, "dcl"), median(with, "load") - median(without, "load"),
                            median(with, "afterHtml") - median(without, "afterHtml"));
                }
                System.out.println();
                System.out.println(evalLine);
            } finally {
                browser.quit();
            }
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> measure(ChromeDriver browser, String url) {
        browser.get(url);
        new WebDriverWait(browser, java.time.Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(browser.executeScript(
                "var n = performance.getEntriesByType('navigation')[0];"
                        + " return !!n && n.loadEventEnd > 0 && (!window.drover || window.droverReady > 0);")));
        return (Map<String, Object>) browser.executeScript("""
                var n = performance.getEntriesByType('navigation')[0];
                var tag = performance.getEntriesByType('resource').filter(function (r) { return /drover\\.js$/.test(r.name); })[0];
                return {html: n.responseEnd, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                        afterHtml: n.loadEventEnd - n.responseEnd,
                        transfer: tag ? tag.transferSize : -1, fetched: tag ? tag.responseEnd : -1,
                        ready: window.droverReady || -1};
                """);
    }

    private static void print(String visit, String page, List<Map<String, Object>> samples) {
        boolean tag = median(samples, "ready") >= 0;
        Function<String, String> col = k -> tag ? String.format(Locale.ROOT, "%.1f", median(samples, k)) : "";
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |%n", visit, page,
                median(samples, "html"), median(samples, "dcl"), median(samples, "load"), median(samples, "afterHtml"), tag ? String.valueOf((long) median(samples, "transfer")) : "", col.apply("fetched"),
                col.apply("ready"));
    }

    private static double median(List<Map<String, Object>> samples, String key) {
        List<Double> values = new ArrayList<>();
        samples.forEach(s -> values.add(((Number) s.get(key)).doubleValue()));
        Collections.sort(values);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
