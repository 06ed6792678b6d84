package io.drover.tag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.Chromium;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
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
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import static io.drover.testing.TestDrover.OPEN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RudderStack's JavaScript SDK v3 (the npm package {@code @rudderstack/analytics-js} pinned in src/test/npm, its
 * "bundled" UMD build, the plugins inside) pointed at Drover in headless Chromium, with both of its transports: the
 * default XHR queue (one request per event on /v1/page, /v1/track, with an Authorization header and its own
 * {@code AnonymousId} and {@code SentAt} headers, so every request is pre-flighted) and the beacon queue
 * ({@code useBeacon}: {@code navigator.sendBeacon} of text/plain batches to /beacon/v1/batch?writeKey=). Every event
 * must arrive, once, as sent. Drover's pre-flight used to grant a fixed list of headers, which made the browser block
 * every XHR request of this SDK, silently: all its events were lost.
 *
 * <p>Nothing is fetched from RudderStack: the source configuration is given by the page ({@code getSourceConfig}, so
 * the control plane is never asked), the plugin and integration base URLs and the polyfill URL are the shop's own
 * origin (nothing is loaded from them: the plugins are in the bundle, device-mode integrations are off and Chromium
 * needs no polyfill), and the data plane is Drover. The browser resolves no host name but 127.0.0.1's, and the test
 * checks from the browser's own network log that every request of the page went to 127.0.0.1.
 */
@Timeout(180)
class RudderStackSdkTest {

    private static final Path PACKAGE = Path.of("src/test/npm/node_modules/@rudderstack/analytics-js");
    /** The build with its plugins bundled; the default one loads them from RudderStack's CDN at run time. */
    private static final Path BUNDLE = PACKAGE.resolve("dist/npm/modern/bundled/umd/index.js");
    private static final String BUNDLE_PATH = "/rudderstack/rsa.js";
    /** Track events per transport, besides the page. */
    private static final int TRACKS = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestDrover drover;
    private static ShopPages pages;
    private static ChromeDriver browser;
    private static String version;
    /** The browser's network events (Chromium's performance log, read out as it fills). */
    private static final List<JsonNode> network = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        if (!Chromium.installed() || !installed()) {
            return;   // each test is reported skipped, with the reason (newVisitor)
        }
        version = MAPPER.readTree(PACKAGE.resolve("package.json").toFile()).get("version").asText();
        drover = TestDrover.shared();
        pages = new ShopPages();
        pages.addScript(BUNDLE_PATH, BUNDLE);
        browser = Chromium.start(options -> {
            // Any host name but the loopback address fails to resolve: a URL the SDK would make up cannot leave.
            options.addArguments("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.PERFORMANCE, java.util.logging.Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
        });
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
        return Files.isRegularFile(BUNDLE);
    }

    /** Each test starts as a new visitor: no cookies on 127.0.0.1, nothing in the shop's localStorage. */
    @BeforeEach
    void newVisitor() {
        Chromium.assumeInstalled();
        Assumptions.assumeTrue(installed(), "RudderStack SDK test skipped: " + BUNDLE
                + " is missing (npm ci --prefix src/test/npm; Maven runs it when /usr/bin/npm exists)");
        pages.newVisitor(browser);
        readNetwork();
        network.clear();
    }

    @ParameterizedTest(name = "{0} transport")
    @ValueSource(strings = {"xhr", "beacon"})
    void everyEventOfTheRudderStackSdkArrivesOnceAsSent(String transport) {
        double refusedBefore = preflightsRefused();
        int logLines = TestDrover.LOGS.lines().size();
        long started = System.nanoTime();
        String path = "/rudderstack-" + transport;
        openRudderStackShop(path, drover.url(""), transport.equals("beacon")
                // Batches of at most 10 events, sent 200 ms after the first (10 minutes by default).
                ? "useBeacon: true, beaconQueueOptions: {maxItems: 10, flushQueueInterval: 200}" : "");

        // XHR: the page and all the tracks at once. Beacon: ten at a time (one batch), each sent once the previous
        // one is stored, as a visitor would make them: Chromium refuses a sendBeacon while 64 KB of keepalive data
        // are in flight (sendBeacon returns false), and the SDK then drops the batch, logging so; a burst of 100
        // events (ten batches at once) lost half of them that way, before Drover saw anything.
        int round = transport.equals("beacon") ? 10 : TRACKS + 1;
        List<String> ids = new ArrayList<>();
        for (int first = 0; first <= TRACKS; first += round) {
            List<String> sent = send(transport, first, Math.min(first + round, TRACKS + 1) - 1);
            ids.addAll(sent);
            if (transport.equals("beacon")) {
                awaitStored(sent, transport);
            }
        }
        assertThat(ids).hasSize(TRACKS + 1).doesNotHaveDuplicates();
        String anonymousId = (String) browser.executeScript("return rudder.getAnonymousId()");
        assertThat(anonymousId).isNotEmpty();

        if (transport.equals("xhr")) {
            // The browser sends the POST only when the pre-flight's answer allows every header it asked for; a
            // blocked request is not even seen by Drover, so check the answer first, where the browser saw it.
            List<Preflight> preflights = awaitPreflights(List.of("/v1/page", "/v1/track"));
            for (Preflight p : preflights) {
                assertThat(p.requested()).as("headers the SDK's pre-flight asks for")
                        .contains("authorization", "content-type", "anonymousid", "sentat");
                assertThat(p.status()).as("pre-flight status of " + p.url()).isEqualTo(204);
                assertThat(p.allowed()).as("Access-Control-Allow-Headers answered to " + p.url())
                        .containsAll(p.requested());
            }
        }

        // Nothing lost: every event the SDK took (its callback gave its messageId) is stored.
        awaitStored(ids, transport);
        JsonNode page = drover.topic.await(ids.get(0)).value();
        assertThat(page.get("type").asText()).isEqualTo("page");
        assertThat(page.get("name").asText()).isEqualTo("Product List");
        assertThat(page.at("/properties/path").asText()).isEqualTo(path);
        assertThat(page.at("/properties/url").asText()).isEqualTo(pages.url(path + "?utm_source=news"));
        assertThat(page.at("/properties/transport").asText()).isEqualTo(transport);
        assertThat(page.at("/context/page/path").asText()).isEqualTo(path);
        assertThat(page.at("/context/page/title").asText()).isEqualTo("RudderStack Shop");
        assertThat(page.at("/context/campaign/source").asText()).isEqualTo("news");
        for (int i = 1; i <= TRACKS; i++) {
            JsonNode track = drover.topic.await(ids.get(i)).value();
            assertThat(track.get("type").asText()).isEqualTo("track");
            assertThat(track.get("event").asText()).isEqualTo("Product Viewed");
            assertThat(track.at("/properties/index").asInt()).isEqualTo(i);
            assertThat(track.at("/properties/sku").asText()).isEqualTo("sku-" + i);
            assertThat(track.at("/properties/price").decimalValue()).isEqualByComparingTo(String.valueOf(i * 1.25));
            assertThat(track.at("/properties/currency").asText()).isEqualTo("EUR");
            assertThat(track.at("/properties/transport").asText()).isEqualTo(transport);
            assertThat(track.at("/context/page/path").asText()).isEqualTo(path);
        }
        for (String id : ids) {
            JsonNode e = drover.topic.find(id).get(0).value();
            assertThat(e.get("anonymousId").asText()).isEqualTo(anonymousId);
            assertThat(e.has("userId")).isFalse();
            assertThat(e.at("/context/library/name").asText()).isEqualTo("RudderLabs JavaScript SDK");
            assertThat(e.at("/context/library/version").asText()).isEqualTo(version);
            assertThat(e.at("/context/userAgent").asText()).contains("Chrome");
            assertThat(e.has("receivedAt")).isTrue();
            assertThat(e.get("messageId").asText()).isEqualTo(id);
        }
        // Nothing lost, nothing twice: this visitor's events in the topic are exactly the ones the page made.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                drover.topic.where(e -> anonymousId.equals(e.text("anonymousId"))))
                .extracting(e -> e.text("messageId")).containsExactlyInAnyOrderElementsOf(ids));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "RudderStack SDK %s, %s transport: %d events stored in %.1f s%n",
                version, transport, ids.size(), seconds);

        // It used the transport asked for, on Drover's paths, and every request of the page stayed on 127.0.0.1.
        readNetwork();
        List<String> urls = requests().stream().map(r -> r.at("/request/url").asText()).toList();
        if (transport.equals("beacon")) {
            assertThat(urls).contains(drover.url("/beacon/v1/batch?writeKey=" + OPEN_KEY))
                    .noneMatch(u -> u.startsWith(drover.url("/v1/")));
            // text/plain, no custom header: a CORS "simple" request, never pre-flighted.
            assertThat(requests()).noneMatch(r -> "OPTIONS".equals(r.at("/request/method").asText()));
            int beacons = (int) urls.stream().filter(u -> u.contains("/beacon/v1/batch")).count();
            assertThat(beacons).as("beacons of at most 10 events").isGreaterThanOrEqualTo((TRACKS + 1 + 9) / 10);
        } else {
            assertThat(urls).contains(drover.url("/v1/page"), drover.url("/v1/track"))
                    .noneMatch(u -> u.contains("/beacon/"));
        }
        assertThat(urls).isNotEmpty().allMatch(u -> u.startsWith("http://127.0.0.1:"), "on 127.0.0.1");
        assertThat(urls).contains(pages.url(BUNDLE_PATH)).noneMatch(u -> u.contains("/rudderstack/plugins")
                || u.contains("/rudderstack/integrations") || u.contains("/rudderstack/config")
                || u.contains("/rudderstack/polyfill"));
        assertThat(pageErrors()).isEmpty();
        assertThat(sdkLogs()).as("the SDK's warnings and errors").isEmpty();

        // Drover refused nothing, and said so nowhere.
        assertThat(preflightsRefused()).isEqualTo(refusedBefore);
        assertThat(TestDrover.LOGS.lines().subList(logLines, TestDrover.LOGS.lines().size()))
                .noneMatch(l -> l.contains("pre-flight refused"));
    }

    @Test
    void anEventTheRudderStackSdkRetriesArrivesOnceDroverIsBack() throws Exception {
        // A retry carries Rsa-Retry-Attempt, Rsa-Retry-Reason, Rsa-Since-Last-Attempt and Rsa-Since-First-Attempt:
        // another pre-flight, which must allow them too, or the browser drops the retry.
        int port = FreePorts.next();
        try (Relay relay = new Relay(port, drover.port())) {
            openRudderStackShop("/rudderstack-retry", "http://127.0.0.1:" + port,
                    "queueOptions: {minRetryDelay: 200, maxRetryDelay: 1000, backoffFactor: 2}");
            String messageId = (String) browser.executeAsyncScript("""
                    var done = arguments[arguments.length - 1];
                    rudder.ready(function () {
                      rudder.track('Order Completed', {revenue: 5, currency: 'EUR'}, function (e) { done(e.messageId); });
                    });
                    """);
            // The first attempt fails (the relay resets it); the SDK logs that it will retry.
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> failedAttempts() > 0);
            assertThat(drover.topic.find(messageId)).isEmpty();

            relay.start();
            JsonNode track = drover.topic.await(messageId).value();
            assertThat(track.get("event").asText()).isEqualTo("Order Completed");
            assertThat(track.at("/properties/revenue").asInt()).isEqualTo(5);
            assertThat(drover.topic.find(messageId)).hasSize(1);
            List<Preflight> retries = preflights().stream()
                    .filter(p -> p.url().startsWith("http://127.0.0.1:" + port + "/v1/track")
                            && p.requested().contains("rsa-retry-attempt") && p.status() == 204)
                    .toList();
            assertThat(retries).isNotEmpty();
            for (Preflight p : retries) {
                assertThat(p.requested()).contains("rsa-retry-attempt", "rsa-retry-reason",
                        "rsa-since-last-attempt", "rsa-since-first-attempt");
                assertThat(p.allowed()).containsAll(p.requested());
            }
        }
    }

    /**
     * A shop page that loads the SDK's bundle from the shop and points it at {@code dataPlane}. The source's
     * configuration is the page's own ({@code getSourceConfig}: no control-plane request, and no error reporting or
     * SDK metrics, which it turns off); every base URL the SDK could load code from is the shop's.
     */
    private void openRudderStackShop(String path, String dataPlane, String options) {
        pages.add(path, """
                <!doctype html><html><head><meta charset="utf-8"><title>RudderStack Shop</title>
                <script>window.pageErrors=[];window.addEventListener('error',function(e){pageErrors.push(String(e.message))});
                // What the SDK warns of or logs as an error (a failed delivery, a dropped batch), as it logs it.
                window.sdkLogs=[];['warn', 'error'].forEach(function (level) {
                  var original = console[level];
                  console[level] = function () {
                    var text = [].slice.call(arguments).map(String).join(' ');
                    if (text.indexOf('RS SDK') >= 0) { sdkLogs.push(level + ': ' + text); }
                    return original.apply(console, arguments);
                  };
                });
                // Events first..last, once the SDK is ready: 0 is a page, the others tracks; calls done with their
                // messageIds (the SDK's callback has each event as queued).
                window.sendEvents = function (first, last, transport, done) {
                  var ids = new Array(last - first + 1), left = ids.length;
                  function got(i) { return function (e) { ids[i - first] = e.messageId; if (--left === 0) { done(ids); } }; }
                  rudder.ready(function () {
                    for (var i = first; i <= last; i++) {
                      if (i === 0) {
                        rudder.page('Shop', 'Product List', {transport: transport}, got(i));
                      } else {
                        rudder.track('Product Viewed', {index: i, sku: 'sku-' + i, price: i * 1.25, currency: 'EUR',
                          transport: transport}, got(i));
                      }
                    }
                  });
                };</script>
                <script src="BUNDLE_PATH"></script>
                <script>
                window.rudder = new rudderanalytics.RudderAnalytics();
                rudder.load('WRITE_KEY', 'DATA_PLANE', {
                  getSourceConfig: function () {
                    return {source: {id: 'drover-test', name: 'Drover test', workspaceId: 'drover-test', enabled: true,
                      config: {statsCollection: {errors: {enabled: false}, metrics: {enabled: false}}}, destinations: []}};
                  },
                  configUrl: 'SHOP/rudderstack/config',
                  pluginsSDKBaseURL: 'SHOP/rudderstack/plugins',
                  destSDKBaseURL: 'SHOP/rudderstack/integrations',
                  polyfillIfRequired: false, polyfillURL: 'SHOP/rudderstack/polyfill.js',
                  loadIntegration: false, sendAdblockPage: false, logLevel: 'WARN',
                  OPTIONS
                });
                </script>
                </head><body><p>RudderStack Shop</p></body></html>
                """.replace("SHOP", pages.origin()).replace("BUNDLE_PATH", BUNDLE_PATH).replace("WRITE_KEY", OPEN_KEY)
                .replace("DATA_PLANE", dataPlane).replace("OPTIONS", options));
        browser.get(pages.url(path + "?utm_source=news"));
    }

    /** Events first..last through the SDK (0: the page, then tracks); their messageIds, as its callbacks give them. */
    @SuppressWarnings("unchecked")
    private static List<String> send(String transport, int first, int last) {
        Object result = browser.executeAsyncScript(
                "sendEvents(arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1])",
                first, last, transport);
        assertThat(result).isInstanceOf(List.class);
        return (List<String>) result;
    }

    /** Waits until every one of these events is in the topic; fails naming the ones that are not. */
    private static void awaitStored(List<String> ids, String transport) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(ids.stream().filter(id -> drover.topic.find(id).isEmpty()).toList())
                        .as("events of the %s transport not in %s (the SDK logged: %s)", transport, TestDrover.TOPIC,
                                sdkLogs()).isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static List<String> sdkLogs() {
        return (List<String>) browser.executeScript("return window.sdkLogs || []");
    }

    private static long failedAttempts() {
        return sdkLogs().stream().filter(l -> l.contains("Failed to deliver")).count();
    }

    /** A CORS pre-flight as the browser saw it: the headers it asked for and the answer's status and allowed ones. */
    record Preflight(String url, List<String> requested, int status, List<String> allowed) {
    }

    /** Waits until the browser has the answer of a pre-flight for each of these Drover paths; returns them all. */
    private static List<Preflight> awaitPreflights(List<String> paths) {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(RudderStackSdkTest::preflights, found -> paths.stream().allMatch(path -> found.stream()
                        .anyMatch(p -> p.url().startsWith(drover.url(path)))));
    }

    /**
     * The pre-flights in the browser's network log: Chromium reports each as a request of type Preflight (method
     * OPTIONS), its request headers and its answer's headers in the ExtraInfo events (they hold what went on the wire).
     */
    private static List<Preflight> preflights() {
        readNetwork();
        Map<String, JsonNode> requests = new java.util.HashMap<>();
        Map<String, JsonNode> requestHeaders = new java.util.HashMap<>();
        Map<String, JsonNode> responses = new java.util.HashMap<>();
        for (JsonNode m : network) {
            String id = m.at("/params/requestId").asText();
            switch (m.get("method").asText()) {
                case "Network.requestWillBeSent" -> {
                    if ("OPTIONS".equals(m.at("/params/request/method").asText())) {
                        requests.put(id, m.get("params"));
                    }
                }
                case "Network.requestWillBeSentExtraInfo" -> requestHeaders.put(id, m.at("/params/headers"));
                case "Network.responseReceivedExtraInfo" -> responses.put(id, m.get("params"));
                default -> { }
            }
        }
        List<Preflight> found = new ArrayList<>();
        requests.forEach((id, request) -> {
            JsonNode response = responses.get(id);
            if (response == null) {
                return;
            }
            JsonNode sent = requestHeaders.containsKey(id) ? requestHeaders.get(id) : request.at("/request/headers");
            found.add(new Preflight(request.at("/request/url").asText(),
                    names(header(sent, "Access-Control-Request-Headers")), response.get("statusCode").asInt(),
                    names(header(response.get("headers"), "Access-Control-Allow-Headers"))));
        });
        return found;
    }

    /** The requests of the network log (each Network.requestWillBeSent's params), pre-flights included. */
    private static List<JsonNode> requests() {
        return network.stream().filter(m -> "Network.requestWillBeSent".equals(m.get("method").asText()))
                .map(m -> m.get("params")).toList();
    }

    private static String header(JsonNode headers, String name) {
        for (var it = headers.fields(); it.hasNext(); ) {
            var h = it.next();
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue().asText();
            }
        }
        return "";
    }

    private static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .toList();
    }

    /** Moves what Chromium logged since the last read into {@link #network} (ChromeDriver hands each entry once). */
    private static synchronized void readNetwork() {
        for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode message = MAPPER.readTree(entry.getMessage()).get("message");
                if (message.get("method").asText().startsWith("Network.")) {
                    network.add(message);
                }
            } catch (IOException e) {
                throw new AssertionError("not JSON in Chromium's performance log: " + entry.getMessage(), e);
            }
        }
    }

    /** drover_ingest_preflight_refused_total, all reasons, from Drover's metrics. */
    private static double preflightsRefused() {
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        Matcher m = Pattern.compile("(?m)^drover_ingest_preflight_refused_total\\{[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    @SuppressWarnings("unchecked")
    private static List<String> pageErrors() {
        return (List<String>) browser.executeScript("return window.pageErrors || []");
    }
}
