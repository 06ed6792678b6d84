package io.drover.tag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.Chromium;
import io.drover.testing.FreePorts;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static io.drover.testing.TestDrover.OPEN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segment's own browser library, analytics-next (the npm package pinned in src/test/npm, its UMD build), pointed at
 * Drover in headless Chromium: its events are accepted and stored as it sent them, with its default delivery (one
 * request per event, /v1/p, /v1/t, /v1/i) and with its batching (/v1/b). Then the same visitor moves to a page with
 * drover.js and keeps the anonymous id and the user id analytics-next stored: a site switching keeps its visitors.
 * Nothing is fetched from Segment: the source's settings are given inline, the bundle and its chunks come from the
 * shop's own origin, and the test checks that every request of the page stayed on 127.0.0.1.
 */
@Timeout(120)
class SegmentAnalyticsNextTest {

    private static final Path PACKAGE = Path.of("src/test/npm/node_modules/@segment/analytics-next");
    private static final Path BUNDLES = PACKAGE.resolve("dist/umd");
    private static final String BUNDLES_PATH = "/analytics-next/bundles/";

    private static TestDrover drover;
    private static ShopPages pages;
    private static ChromeDriver browser;
    private static String version;

    @BeforeAll
    static void start() throws IOException {
        if (!Chromium.installed() || !installed()) {
            return;   // each test is reported skipped, with the reason (newVisitor)
        }
        version = new ObjectMapper().readTree(PACKAGE.resolve("package.json").toFile()).get("version").asText();
        drover = TestDrover.shared();
        pages = new ShopPages();
        // The UMD build and the chunks it may load on demand, where analytics._cdn (below) makes it look for them.
        try (Stream<Path> files = Files.list(BUNDLES)) {
            files.filter(f -> f.getFileName().toString().endsWith(".js"))
                    .forEach(f -> pages.addScript(BUNDLES_PATH + f.getFileName(), f));
        }
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (pages != null) {
            pages.close();
        }
    }

    private static boolean installed() {
        return Files.isRegularFile(BUNDLES.resolve("index.js"));
    }

    /** Each test starts as a new visitor: no cookies on 127.0.0.1, nothing in the shop's localStorage. */
    @BeforeEach
    void newVisitor() {
        Chromium.assumeInstalled();
        Assumptions.assumeTrue(installed(), "analytics-next test skipped: " + BUNDLES.resolve("index.js")
                + " is missing (npm ci --prefix src/test/npm; Maven runs it when /usr/bin/npm exists)");
        pages.newVisitor(browser);
    }

    @ParameterizedTest(name = "{0} delivery")
    @ValueSource(strings = {"standard", "batching"})
    void pageTrackAndIdentifyOfAnalyticsNextArriveAsSent(String delivery) {
        String deliveryStrategy = delivery.equals("batching")
                ? "deliveryStrategy: {strategy: 'batching', config: {size: 10, timeout: 200}}" : "";
        openSegmentShop("/segment-" + delivery, deliveryStrategy);
        List<String> ids = sendPageTrackIdentify();
        String anonymousId = browser.manage().getCookieNamed("ajs_anonymous_id").getValue();
        assertThat(anonymousId).isNotEmpty();

        JsonNode page = drover.topic.await(ids.get(0)).value();
        JsonNode track = drover.topic.await(ids.get(1)).value();
        JsonNode identify = drover.topic.await(ids.get(2)).value();
        assertThat(page.get("type").asText()).isEqualTo("page");
        assertThat(page.at("/properties/path").asText()).isEqualTo("/segment-" + delivery);
        assertThat(track.get("type").asText()).isEqualTo("track");
        assertThat(track.get("event").asText()).isEqualTo("Order Completed");
        assertThat(track.at("/properties/revenue").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(track.at("/properties/currency").asText()).isEqualTo("EUR");
        assertThat(track.at("/properties/products/0/sku").asText()).isEqualTo("sku-42");
        assertThat(identify.get("type").asText()).isEqualTo("identify");
        assertThat(identify.get("userId").asText()).isEqualTo("user-42");
        assertThat(identify.get("traits")).isEqualTo(json(Map.of("email", "jane@example.com", "plan", "pro")));
        assertThat(page.has("userId")).isFalse();
        assertThat(track.has("userId")).isFalse();
        for (JsonNode e : List.of(page, track, identify)) {
            assertThat(e.get("anonymousId").asText()).isEqualTo(anonymousId);
            JsonNode context = e.get("context");
            assertThat(context.get("library")).isEqualTo(json(Map.of("name", "analytics.js", "version", "next-" + version)));
            assertThat(context.at("/page/path").asText()).isEqualTo("/segment-" + delivery);
            assertThat(context.at("/page/url").asText()).isEqualTo(pages.url("/segment-" + delivery + "?utm_source=news"));
            assertThat(context.at("/page/title").asText()).isEqualTo("Segment Shop");
            assertThat(context.at("/campaign/source").asText()).isEqualTo("news");
            assertThat(context.get("userAgent").asText()).contains("Chrome");
            assertThat(e.has("receivedAt")).isTrue();
        }

        // It used the paths of the delivery asked for (so both are covered), and it fetched nothing off this machine.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            if (delivery.equals("batching")) {
                assertThat(resources()).contains(drover.url("/v1/b")).doesNotContain(drover.url("/v1/t"));
            } else {
                assertThat(resources()).contains(drover.url("/v1/p"), drover.url("/v1/t"), drover.url("/v1/i"))
                        .doesNotContain(drover.url("/v1/b"));
            }
        });
        assertThat(resources()).allMatch(url -> url.startsWith("http://127.0.0.1:"));
        assertThat(pageErrors()).isEmpty();
    }

    @Test
    void aVisitorOfAnalyticsNextKeepsItsAnonymousIdAndUserIdWithDroverJs() {
        openSegmentShop("/segment", "");
        List<String> ids = sendPageTrackIdentify();
        String segmentId = browser.manage().getCookieNamed("ajs_anonymous_id").getValue();
        assertThat(drover.topic.await(ids.get(2)).value().get("anonymousId").asText()).isEqualTo(segmentId);

        // The site replaces analytics-next with drover.js; the visitor comes back (same browser, cookies kept).
        pages.add("/drover", ShopPages.shop(drover.url(""), OPEN_KEY, drover.url(""), "flushInterval: 100"));
        browser.get(pages.url("/drover"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d ->
                Boolean.TRUE.equals(browser.executeScript("return !!(window.drover && window.drover.VERSION)")));
        assertThat(browser.executeScript("return drover.user().anonymousId()")).isEqualTo(segmentId);
        browser.executeScript("drover.track('Product Viewed', {sku: 'sku-7'})");

        List<JsonNode> droverJs = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> droverJsEvents(segmentId), events -> events.size() >= 2);
        assertThat(droverJs).extracting(e -> e.get("type").asText()).containsExactly("page", "track");
        for (JsonNode e : droverJs) {
            assertThat(e.get("anonymousId").asText()).isEqualTo(segmentId);
            assertThat(e.get("userId").asText()).isEqualTo("user-42");
        }
        // drover.js sends with credentials, so Drover's answer now sets the cookie itself: with the same id.
        assertThat(browser.manage().getCookieNamed("ajs_anonymous_id").getValue()).isEqualTo(segmentId);
        assertThat(pageErrors()).isEmpty();
    }

    @Test
    void anEventAnalyticsNextRetriesArrivesOnceDroverIsBack() throws Exception {
        // analytics-next marks a retry with an X-Retry-Count header, which is not CORS-safelisted: the browser sends
        // the retry only if Drover's pre-flight answer allows that header.
        int port = FreePorts.next();
        try (Relay relay = new Relay(port, drover.port())) {
            openSegmentShop("/segment-retry", "", "127.0.0.1:" + port + "/v1");
            Object first = browser.executeAsyncScript("""
                    var done = arguments[arguments.length - 1];
                    segment.track('Order Completed', {revenue: 5}).then(function (c) {
                      done([c.event.messageId, c.logs().map(function (l) { return l.message; }).join('; ')]);
                    });
                    """);
            // The promise settles after the first attempt, which the relay refused (analytics-next logs that on the
            // event's context); the event waits in its retry queue, and the next attempt carries X-Retry-Count.
            List<?> attempt = (List<?>) first;
            assertThat((String) attempt.get(1)).contains("Error sending event");
            String messageId = (String) attempt.get(0);
            assertThat(drover.topic.find(messageId)).isEmpty();

            relay.start();
            JsonNode track = drover.topic.await(messageId).value();
            assertThat(track.get("event").asText()).isEqualTo("Order Completed");
        }
    }

    /**
     * A shop page that loads analytics-next's UMD build from the shop and points it at Drover. The source's settings
     * are given inline ({@code cdnSettings}), so it never fetches them from Segment's CDN. Drover's address is the
     * Segment.io integration's {@code apiHost} and {@code protocol} in the load options (analytics-next's documented
     * override), which also send its own client metrics (/v1/m) to Drover instead of api.segment.io.
     */
    private void openSegmentShop(String path, String deliveryStrategy) {
        openSegmentShop(path, deliveryStrategy, "127.0.0.1:" + drover.port() + "/v1");
    }

    private void openSegmentShop(String path, String deliveryStrategy, String apiHost) {
        pages.add(path, """
                <!doctype html><html><head><meta charset="utf-8"><title>Segment Shop</title>
                <script>window.pageErrors=[];window.addEventListener('error',function(e){pageErrors.push(String(e.message))});
                // Segment's setting for serving analytics.js from elsewhere than its CDN: the bundle loads its chunks
                // from <_cdn>/analytics-next/bundles/ (read when the bundle runs, before load()).
                window.analytics = []; analytics._cdn = 'SHOP';</script>
                <script src="BUNDLES_PATHindex.js"></script>
                <script>
                window.segment = AnalyticsNext.AnalyticsBrowser.load(
                  {writeKey: 'WRITE_KEY', cdnURL: 'SHOP', cdnSettings: {integrations: {'Segment.io': {apiKey: 'WRITE_KEY'}}}},
                  {integrations: {'Segment.io': {apiHost: 'API_HOST', protocol: 'http', DELIVERY}}});
                </script>
                </head><body><p>Segment Shop</p></body></html>
                """.replace("SHOP", pages.origin()).replace("BUNDLES_PATH", BUNDLES_PATH).replace("WRITE_KEY", OPEN_KEY)
                .replace("API_HOST", apiHost).replace("DELIVERY", deliveryStrategy));
        browser.get(pages.url(path + "?utm_source=news"));
    }

    /** page, track, identify through analytics-next, one after the other; returns their messageIds. */
    @SuppressWarnings("unchecked")
    private static List<String> sendPageTrackIdentify() {
        Object result = browser.executeAsyncScript("""
                var done = arguments[arguments.length - 1], ids = [];
                segment.page()
                  .then(function (c) { ids.push(c.event.messageId);
                    return segment.track('Order Completed', {revenue: 19.99, currency: 'EUR',
                      products: [{sku: 'sku-42', price: 19.99}]}); })
                  .then(function (c) { ids.push(c.event.messageId);
                    return segment.identify('user-42', {email: 'jane@example.com', plan: 'pro'}); })
                  .then(function (c) { ids.push(c.event.messageId); done(ids); })
                  .catch(function (e) { done('failed: ' + e); });
                """);
        assertThat(result).isInstanceOf(List.class);
        return (List<String>) result;
    }

    /** drover.js's events of this visitor, one per messageId, in the order made. */
    private static List<JsonNode> droverJsEvents(String anonymousId) {
        return drover.topic.where(e -> anonymousId.equals(e.text("anonymousId"))
                        && "drover.js".equals(e.value().at("/context/library/name").asText())).stream()
                .map(TopicReader.Event::value)
                .collect(Collectors.toMap(v -> v.get("messageId").asText(), v -> v, (a, b) -> a)).values().stream()
                .sorted(Comparator.comparing((JsonNode v) -> v.get("timestamp").asText()))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> resources() {
        return (List<String>) browser.executeScript(
                "return performance.getEntriesByType('resource').map(function (e) { return e.name; })");
    }

    @SuppressWarnings("unchecked")
    private static List<String> pageErrors() {
        return (List<String>) browser.executeScript("return window.pageErrors || []");
    }

    private static JsonNode json(Object value) {
        return new ObjectMapper().valueToTree(value);
    }
}
