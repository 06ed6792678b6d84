package io.drover.tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Chromium;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.drover.testing.TestDrover.OPEN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent from the browser to the vendor: two visitors land on the shop from a Meta ad (fbclid) and buy, drover.js on
 * the page and the shipped Meta module (integrations/meta.yaml, as is) live in the shared Drover, a stand-in Graph API
 * on 127.0.0.1. The one who grants advertising reaches Meta with the click and browser ids; the one who denies it
 * reaches Drover (consent recorded) but not Meta, and the tag captured no Meta ids for it.
 */
@Timeout(180)
class ConsentEndToEndTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PIXEL = "123123123";
    private static final String TOKEN = "EAAB_consent_test_token_0123456789";
    private static final String PATH = "/v26.0/" + PIXEL + "/events";
    private static final String FAST = "flushInterval: 100, backoffMax: 1000";

    private static TestDrover drover;
    private static Path module;
    private static WireMockServer meta;
    private static ShopPages pages;
    private static ChromeDriver browser;

    @BeforeAll
    static void install() throws Exception {
        Chromium.assumeInstalled();   // the whole class is skipped, with the reason
        drover = TestDrover.shared();
        meta = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        meta.start();
        meta.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson("{\"events_received\":1,\"fbtrace_id\":\"AbC\"}")));
        System.setProperty("meta.base-url", "http://127.0.0.1:" + meta.port());
        System.setProperty("meta.pixel-id", PIXEL);
        System.setProperty("meta.access-token", TOKEN);
        module = drover.integrationsDir().resolve("meta.yaml");
        // Loaded, it reads every event acknowledged from then on.
        Modules.running(drover, module,
                () -> Files.copy(Path.of("integrations/meta.yaml"), module, StandardCopyOption.REPLACE_EXISTING));

        pages = new ShopPages();
        browser = Chromium.start();
    }

    @AfterAll
    static void remove() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (pages != null) {
            pages.close();
        }
        if (module != null) {
            Modules.removed(drover, module);
        }
        System.clearProperty("meta.base-url");
        System.clearProperty("meta.pixel-id");
        System.clearProperty("meta.access-token");
        if (meta != null) {
            meta.stop();
        }
    }

    @Test
    void deniedAdvertisingStopsMetaAndItsIdCaptureWhileGrantedReachesMetaWithItsIds() throws Exception {
        double refusedBefore = refusedForConsent();

        // The denier (OneTrust: targeting off) lands from an ad and buys.
        pages.newVisitor(browser);
        browser.manage().addCookie(new Cookie("OptanonConsent",
                "isGpcEnabled=0&datestamp=Sat+Nov+28+2026&groups=C0001%3A1%2CC0002%3A1%2CC0004%3A0", "/"));
        String denier = openShopAndBuy("/denied", "?fbclid=IwAR-denied-1", "");
        List<JsonNode> denied = events(denier, 2);
        for (JsonNode e : denied) {
            assertThat(e.at("/context/consent/categoryPreferences/advertising").asBoolean(true)).isFalse();
            assertThat(e.at("/context/providers/meta").isMissingNode()).isTrue();
            assertThat(e.toString()).doesNotContain("fb.1.");   // no fbc or fbp anywhere (the URL keeps its fbclid)
        }
        assertThat(browser.manage().getCookieNamed("_fbc")).isNull();
        assertThat(browser.manage().getCookieNamed("_fbp")).isNull();

        // The granter (drover.consent on the page, before its first event) lands from an ad and buys.
        pages.newVisitor(browser);
        String granter = openShopAndBuy("/granted", "?fbclid=IwAR-granted-1",
                "drover.consent({advertising: true});");
        List<JsonNode> granted = events(granter, 2);
        JsonNode order = granted.get(1);
        assertThat(order.get("event").asText()).isEqualTo("Order Completed");
        assertThat(order.at("/context/consent/categoryPreferences/advertising").asBoolean()).isTrue();
        String fbc = order.at("/context/providers/meta/fbc").asText();
        String fbp = order.at("/context/providers/meta/fbp").asText();
        assertThat(fbc).matches("fb\\.1\\.\\d{13}\\.IwAR-granted-1");
        assertThat(fbp).matches("fb\\.1\\.\\d{13}\\.\\d+");

        // The granter's purchase reaches Meta with its ids ...
        String purchaseId = order.get("messageId").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsContaining(purchaseId).isEmpty());
        JsonNode purchase = metaEvent(requestsContaining(purchaseId).get(0), purchaseId);
        assertThat(purchase.get("event_name").asText()).isEqualTo("Purchase");
        assertThat(purchase.at("/user_data/fbc").asText()).isEqualTo(fbc);
        assertThat(purchase.at("/user_data/fbp").asText()).isEqualTo(fbp);

        // ... and by then the module has read the denier's earlier events and refused both for consent (a count, so
        // that the absence below is not merely "not read yet"): no request to Meta carried any of them.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refusedForConsent() >= refusedBefore + 2);
        for (JsonNode e : denied) {
            assertThat(requestsContaining(e.get("messageId").asText())).isEmpty();
        }
        // Nor anything of the denier's landing (a PageView would carry its URL, fbclid included).
        assertThat(meta.findAll(postRequestedFor(urlPathEqualTo(PATH))))
                .noneMatch(r -> r.getBodyAsString().contains("IwAR-denied-1"));
    }

    /**
     * Opens a shop page with drover.js ({@code beforePage} runs after load() and before the page view) and clicks
     * Buy; returns the visitor's anonymous id.
     */
    private static String openShopAndBuy(String path, String query, String beforePage) {
        pages.add(path, ShopPages.shop(drover.url(""), OPEN_KEY, drover.url(""), FAST)
                .replace("drover.page();", beforePage + "drover.page();"));
        browser.get(pages.url(path + query));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d ->
                Boolean.TRUE.equals(browser.executeScript("return !!(window.drover && window.drover.VERSION)")));
        browser.findElement(By.id("buy")).click();
        return (String) browser.executeScript("return drover.user().anonymousId()");
    }

    /** The first {@code count} events of this visitor stored by Drover, in the order the tag made them. */
    private static List<JsonNode> events(String anonymousId, int count) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> drover.topic.where(e -> anonymousId.equals(e.text("anonymousId"))).stream()
                        .map(TopicReader.Event::value)
                        // A beacon and a retry may both have stored an event: one per messageId.
                        .collect(Collectors.toMap(v -> v.get("messageId").asText(), v -> v, (a, b) -> a)).values().stream()
                        .sorted(Comparator.comparing((JsonNode v) -> v.get("timestamp").asText()))
                        .toList(), l -> l.size() >= count)
                .subList(0, count);
    }

    private static List<LoggedRequest> requestsContaining(String text) {
        return meta.findAll(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing(text)));
    }

    private static JsonNode metaEvent(LoggedRequest request, String eventId) throws Exception {
        for (JsonNode e : MAPPER.readTree(request.getBodyAsString()).get("data")) {
            if (eventId.equals(e.path("event_id").asText())) {
                return e;
            }
        }
        throw new AssertionError("no event " + eventId + " in " + request.getBodyAsString());
    }

    /** Events the Meta module did not take because consent was refused (its drover_integration_filtered_total). */
    private static double refusedForConsent() {
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        Matcher m = Pattern.compile("drover_integration_filtered_total\\{integration=\"meta\",reason=\"consent\",?\\} (\\S+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
