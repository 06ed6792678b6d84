package io.drover.tag;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.testing.Chromium;
import io.drover.testing.FreePorts;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static io.drover.testing.TestDrover.OPEN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * drover.js in a real browser (headless Chromium) on a test shop page, sending to the test Drover; what arrives is
 * read from Drover's topic. The shop is http://127.0.0.1:A, Drover http://127.0.0.1:B: cross-origin, same-site, as a
 * shop and Drover on a subdomain of it. The page uses the 'open' source (any origin).
 */
@Timeout(90)
class TagBrowserTest {

    private static final String FAST = "flushInterval: 100, backoffMax: 1000";

    private static TestDrover drover;
    private static ShopPages pages;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Chromium.installed()) {
            return;   // each test is reported skipped, with the reason (newVisitor)
        }
        drover = TestDrover.shared();
        pages = new ShopPages();
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

    /** Each test starts as a new visitor: no cookies on 127.0.0.1, nothing in the shop's localStorage. */
    @BeforeEach
    void newVisitor() {
        Chromium.assumeInstalled();
        pages.newVisitor(browser);
    }

    @Test
    void pageViewsAndClicksArriveWithTheirContextAndTheServerSetsTheIdCookie() {
        String anonymousId = openShop("/shop", "?utm_source=news&utm_medium=email&utm_campaign=spring&utm_content=top",
                drover.url(""), FAST);
        browser.findElement(By.id("buy")).click();
        assertThat(browser.findElement(By.id("out")).getText()).isEqualTo("clicked 1");

        List<JsonNode> events = events(anonymousId, 2);
        JsonNode page = events.get(0);
        JsonNode track = events.get(1);
        assertThat(page.get("type").asText()).isEqualTo("page");
        assertThat(track.get("type").asText()).isEqualTo("track");
        assertThat(track.get("event").asText()).isEqualTo("Order Completed");
        assertThat(track.at("/properties/revenue").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(page.at("/properties/title").asText()).isEqualTo("Shop");
        for (JsonNode e : events) {
            JsonNode context = e.get("context");
            assertThat(context.at("/library/name").asText()).isEqualTo("drover.js");
            assertThat(context.at("/page/path").asText()).isEqualTo("/shop");
            assertThat(context.at("/page/url").asText()).startsWith(pages.url("/shop?utm_source=news"));
            assertThat(context.at("/page/title").asText()).isEqualTo("Shop");
            assertThat(context.get("campaign")).isEqualTo(json(Map.of("source", "news", "medium", "email",
                    "name", "spring", "content", "top")));
            assertThat(context.get("locale").asText()).isNotEmpty();
            assertThat(context.get("timezone").asText()).isNotEmpty();
            assertThat(context.at("/screen/width").asLong()).isPositive()
                    .isEqualTo(browser.executeScript("return screen.width"));
            assertThat(context.get("userAgent").asText()).contains("Chrome");
            assertThat(context.has("consent")).isFalse();
            assertThat(e.get("messageId").asText()).isNotEmpty();
        }

        // The answer's cookie replaced the tag's: 400 days, Secure (Chromium takes Secure cookies from
        // http://127.0.0.1, a trustworthy origin), SameSite=Lax, readable by the tag.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            Cookie c = browser.manage().getCookieNamed("ajs_anonymous_id");
            return c != null && c.getExpiry().toInstant().isAfter(Instant.now().plus(Duration.ofDays(399)));
        });
        Cookie cookie = browser.manage().getCookieNamed("ajs_anonymous_id");
        assertThat(cookie.getValue()).isEqualTo(anonymousId);
        assertThat(cookie.isSecure()).isTrue();
        assertThat(cookie.isHttpOnly()).isFalse();
        assertThat(cookie.getSameSite()).isEqualTo("Lax");
        assertThat(pageErrors()).isEmpty();
    }

    @Test
    void aVisitorOfAnalyticsJsKeepsItsAnonymousIdInBothCookieFormats() {
        for (String stored : new String[] {"%22ajs-quoted-1%22", "ajs-plain-2"}) {
            newVisitor();
            browser.manage().addCookie(new Cookie("ajs_anonymous_id", stored, "/"));
            String expected = stored.replace("%22", "");
            assertThat(openShop("/returning", "", drover.url(""), FAST)).isEqualTo(expected);
            assertThat(events(expected, 1).get(0).get("type").asText()).isEqualTo("page");
        }
        // Only in localStorage (analytics.js keeps it there too, JSON-quoted).
        newVisitor();
        browser.executeScript("localStorage.setItem('ajs_anonymous_id', '\"ajs-stored-3\"')");
        assertThat(openShop("/returning", "", drover.url(""), FAST)).isEqualTo("ajs-stored-3");
        assertThat(events("ajs-stored-3", 1)).hasSize(1);
    }

    @Test
    void clickIdsOfTheLandingUrlAndVendorCookiesReachLaterPages() {
        browser.manage().addCookie(new Cookie("_ga", "GA1.1.1432567890.1732780800", "/"));
        browser.manage().addCookie(new Cookie("_ga_ABC123", "GS2.1.s1732790000$o3$g1$t1732790100$j0$l0$h0", "/"));
        browser.manage().addCookie(new Cookie("_ttp", "ttp-browser-1", "/"));
        String anonymousId = openShop("/landing", "?fbclid=IwAR-click-1&gclid=Cj0-gclick-1&ttclid=tt-click-1",
                drover.url(""), FAST);
        openShop("/later", "", drover.url(""), FAST);
        browser.findElement(By.id("buy")).click();

        JsonNode later = events(anonymousId, 3).get(2);
        assertThat(later.at("/context/page/path").asText()).isEqualTo("/later");
        JsonNode providers = later.at("/context/providers");
        assertThat(providers.at("/meta/fbc").asText()).matches("fb\\.1\\.\\d{13}\\.IwAR-click-1");
        assertThat(providers.at("/meta/fbp").asText()).matches("fb\\.1\\.\\d{13}\\.\\d+");
        assertThat(providers.at("/google/gclid").asText()).isEqualTo("Cj0-gclick-1");
        assertThat(providers.at("/google/clientId").asText()).isEqualTo("1432567890.1732780800");
        assertThat(providers.at("/google/sessionId").asText()).isEqualTo("1732790000");
        assertThat(providers.at("/tiktok/ttclid").asText()).isEqualTo("tt-click-1");
        assertThat(providers.at("/tiktok/ttp").asText()).isEqualTo("ttp-browser-1");
        // Written first-party in Meta's cookies too, so that Meta's own pixel uses the same ids.
        assertThat(browser.manage().getCookieNamed("_fbc").getValue()).isEqualTo(providers.at("/meta/fbc").asText());
        assertThat(browser.manage().getCookieNamed("_fbp").getValue()).isEqualTo(providers.at("/meta/fbp").asText());

        // reset: a new visitor, and the ids the tag kept and wrote are gone.
        browser.executeScript("drover.reset(); drover.track('After Reset')");
        String next = (String) browser.executeScript("return drover.user().anonymousId()");
        assertThat(next).isNotEqualTo(anonymousId);
        JsonNode afterReset = events(next, 1).get(0);
        assertThat(afterReset.at("/context/providers/meta/fbc").isMissingNode()).isTrue();
        assertThat(afterReset.at("/context/providers/google/gclid").isMissingNode()).isTrue();
        assertThat(afterReset.at("/context/providers/google/clientId").asText()).isEqualTo("1432567890.1732780800");
        assertThat(browser.manage().getCookieNamed("_fbc")).isNull();
    }

    @Test
    void deniedConsentStopsVendorIdCaptureForItsCategory() {
        // OneTrust: performance (analytics) granted, targeting (advertising) denied.
        browser.manage().addCookie(new Cookie("OptanonConsent",
                "isGpcEnabled=0&datestamp=Thu+Nov+27+2026&groups=C0001%3A1%2CC0002%3A1%2CC0004%3A0", "/"));
        browser.manage().addCookie(new Cookie("_ga", "GA1.1.1432567890.1732780800", "/"));
        String anonymousId = openShop("/denied", "?fbclid=IwAR-click-2&gclid=Cj0-gclick-2", drover.url(""), FAST);

        JsonNode page = events(anonymousId, 1).get(0);
        assertThat(page.at("/context/consent/categoryPreferences")).isEqualTo(json(Map.of(
                "necessary", true, "analytics", true, "advertising", false)));
        assertThat(page.at("/context/providers")).isEqualTo(json(Map.of("google",
                Map.of("clientId", "1432567890.1732780800"))));
        assertThat(browser.manage().getCookieNamed("_fbp")).isNull();
        assertThat(browser.manage().getCookieNamed("_fbc")).isNull();

        // The visitor grants advertising on the page: the click ids of this landing are captured from then on ...
        browser.executeScript("drover.consent({advertising: true}); drover.track('Granted')");
        JsonNode granted = events(anonymousId, 2).get(1);
        assertThat(granted.at("/context/consent/categoryPreferences/advertising").asBoolean()).isTrue();
        assertThat(granted.at("/context/providers/meta/fbc").asText()).endsWith(".IwAR-click-2");
        assertThat(browser.manage().getCookieNamed("_fbp")).isNotNull();

        // ... and withdraws it: kept ids and the cookies the tag wrote are dropped.
        browser.executeScript("drover.consent({advertising: false}); drover.track('Withdrawn')");
        JsonNode withdrawn = events(anonymousId, 3).get(2);
        assertThat(withdrawn.at("/context/providers/meta").isMissingNode()).isTrue();
        assertThat(withdrawn.at("/context/providers/google/gclid").isMissingNode()).isTrue();
        assertThat(withdrawn.at("/context/providers/google/clientId").asText()).isEqualTo("1432567890.1732780800");
        assertThat(browser.manage().getCookieNamed("_fbp")).isNull();
        assertThat(browser.manage().getCookieNamed("_fbc")).isNull();
    }

    @Test
    void eventsStillWaitingWhenThePageIsLeftGoOutByBeaconOrKeepaliveFetch() {
        for (boolean beacon : new boolean[] {true, false}) {
            newVisitor();
            // Nothing would be sent for a minute: only the page-hide hand-over can deliver these.
            String anonymousId = openShop("/slow", "", drover.url(""), "flushInterval: 60000");
            if (!beacon) {
                browser.executeScript("Object.defineProperty(navigator, 'sendBeacon', {value: undefined})");
            }
            browser.findElement(By.id("buy")).click();
            browser.get(pages.url("/blank"));
            assertThat(events(anonymousId, 2)).as("beacon: " + beacon).extracting(e -> e.get("type").asText())
                    .containsExactly("page", "track");
            assertThat(queuedInLocalStorage()).isZero();
        }
    }

    @Test
    void whileDroverIsDownThePageWorksAndItsEventsArriveWhenDroverIsBack() throws Exception {
        int port = FreePorts.next();
        String down = "http://127.0.0.1:" + port;
        try (Relay relay = new Relay(port, drover.port())) {
            // The tag itself cannot load: the snippet's stub takes the calls and the page does not notice.
            pages.add("/no-tag", ShopPages.shop(down, OPEN_KEY, down, FAST));
            browser.get(pages.url("/no-tag"));
            browser.findElement(By.id("buy")).click();
            assertThat(browser.findElement(By.id("out")).getText()).isEqualTo("clicked 1");
            assertThat(pageErrors()).isEmpty();

            // The tag loads, but the ingestion API refuses connections: events wait in localStorage ...
            String anonymousId = openShop("/down", "", down, FAST);
            for (int i = 1; i <= 3; i++) {
                browser.findElement(By.id("buy")).click();
            }
            assertThat(browser.findElement(By.id("out")).getText()).isEqualTo("clicked 3");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> queuedInLocalStorage() == 4);
            // ... also over a navigation: the next page takes over the queue the previous one left behind.
            openShop("/down-next", "", down, FAST);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> queuedInLocalStorage() == 5);
            assertThat(pageErrors()).isEmpty();
            assertThat(drover.topic.where(e -> anonymousId.equals(e.text("anonymousId")))).isEmpty();

            relay.start();
            List<JsonNode> arrived = events(anonymousId, 5);
            assertThat(arrived).extracting(e -> e.get("type").asText() + ":" + e.path("event").asText(""))
                    .containsExactlyInAnyOrder("page:", "track:Order Completed", "track:Order Completed",
                            "track:Order Completed", "page:");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> queuedInLocalStorage() == 0);
        }
    }

    @Test
    void onAPageAllowedOnlyByAWildcardTheTagSendsWithoutCredentials() {
        // http://localhost:<port> is not named by the 'open' source (it names http://127.0.0.1:*), only allowed by
        // '*': Drover grants it no credentials, so the browser refuses its answer to a credentialed fetch; the tag
        // then sends without credentials, and nothing is lost.
        pages.add("/wild", ShopPages.shop(drover.url(""), OPEN_KEY, drover.url(""), FAST));
        browser.get(pages.url("/wild").replace("http://127.0.0.1:", "http://localhost:"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d ->
                Boolean.TRUE.equals(browser.executeScript("return !!(window.drover && window.drover.VERSION)")));
        String anonymousId = (String) browser.executeScript("return drover.user().anonymousId()");
        browser.findElement(By.id("buy")).click();
        List<JsonNode> events = events(anonymousId, 2);
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("page", "track");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> queuedInLocalStorage() == 0);
    }

    /** Opens a shop page with the tag, waits for the tag to load, and returns the visitor's anonymous id. */
    private String openShop(String path, String query, String apiHost, String options) {
        pages.add(path, ShopPages.shop(drover.url(""), OPEN_KEY, apiHost, options));
        browser.get(pages.url(path + query));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d ->
                Boolean.TRUE.equals(browser.executeScript("return !!(window.drover && window.drover.VERSION)")));
        return (String) browser.executeScript("return drover.user().anonymousId()");
    }

    /** The first {@code count} events of this visitor stored by Drover, in the order the tag made them. */
    private static List<JsonNode> events(String anonymousId, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> distinct(anonymousId).size() >= count);
        return distinct(anonymousId).subList(0, count);
    }

    private static List<JsonNode> distinct(String anonymousId) {
        return drover.topic.where(e -> anonymousId.equals(e.text("anonymousId"))).stream()
                .map(TopicReader.Event::value)
                .collect(java.util.stream.Collectors.toMap(v -> v.get("messageId").asText(), v -> v, (a, b) -> a))
                .values().stream()
                .sorted(Comparator.comparing((JsonNode v) -> v.get("timestamp").asText()))
                .toList();
    }

    private long queuedInLocalStorage() {
        return (Long) browser.executeScript("var n = 0; for (var k in localStorage) if (k.indexOf('drover_queue_') === 0)"
                + " n += JSON.parse(localStorage[k]).q.length; return n;");
    }

    @SuppressWarnings("unchecked")
    private List<String> pageErrors() {
        return (List<String>) browser.executeScript("return window.pageErrors || []");
    }

    private static JsonNode json(Object value) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(value);
    }
}
