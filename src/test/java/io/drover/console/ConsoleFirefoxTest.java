package io.drover.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.drover.testing.Firefox;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core of {@link ConsoleBrowserTest} in headless Firefox (Debian's firefox-esr, over WebDriver BiDi: see
 * {@link Firefox}), against the same Drover and stand-in vendor: a wrong token refused, an event in the live tail with
 * a {@code <script>} field shown as text, its journey with the request and the vendor's answer, a filtered event's
 * reason, a dead letter replayed from the page, the playground's validation button. Clicks and typing are real input
 * events. One browser for the class; each test's last screen goes to target/firefox/ (not docs: the screenshots there
 * are Chromium's).
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleFirefoxTest {

    private static final Path SHOTS = Path.of("target/firefox");
    private static ConsoleDrover drover;
    private static Firefox browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Firefox.installed()) {
            return;
        }
        drover = ConsoleDrover.shared();
        browser = Firefox.start();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void shot(TestInfo test) throws Exception {
        if (browser != null) {
            Files.write(SHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"), browser.screenshot());
        }
    }

    private static <T> T until(Callable<T> value, java.util.function.Predicate<T> done) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(value, done);
    }

    private static void untilTrue(Callable<Boolean> condition) {
        until(condition, Boolean.TRUE::equals);
    }

    private static void go(String hash) {
        browser.navigate(drover.admin("/console#" + hash));
        untilTrue(() -> browser.js("return !document.getElementById('nav').hidden;").asBoolean());
    }

    private static String event(String id, String extra) {
        return "{\"userId\":\"firefox-user\",\"messageId\":\"" + id + "\",\"event\":\"Order Completed\","
                + "\"properties\":{\"note\":\"<script>window.pwned=1</script>\",\"revenue\":12}" + extra + "}";
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedAndTheRightOneLogsIn() {
        Firefox.assumeInstalled();
        browser.navigate(drover.admin("/console"));
        untilTrue(() -> browser.js("return !document.getElementById('login').hidden;").asBoolean());
        browser.type("#token", "not-the-token");
        browser.click("#login-form button");
        untilTrue(() -> browser.text("#login-error").contains("wrong token"));
        assertThat(browser.js("return document.getElementById('nav').hidden;").asBoolean()).isTrue();
        browser.type("#token", ConsoleDrover.TOKEN);
        browser.click("#login-form button");
        untilTrue(() -> browser.js("return !document.getElementById('nav').hidden;").asBoolean());
        // Firefox kept the Secure, HttpOnly session cookie on http://127.0.0.1 and the page's script cannot read it.
        assertThat(browser.js("return document.cookie;").asText()).isEmpty();
        assertThat(browser.url()).doesNotContain(ConsoleDrover.TOKEN);
        go("overview");
        untilTrue(() -> browser.text("#page").contains("webhook"));
    }

    @Test
    @Order(2)
    void anEventShowsInTheLiveTailAsTextAndItsJourneyHasTheRequestAndTheAnswer() {
        Firefox.assumeInstalled();
        go("live");
        untilTrue(() -> "following".equals(browser.text("#live-status")));
        String id = "firefox-live-" + UUID.randomUUID();
        drover.track(event(id, ""));
        String row = "#live-rows tr[data-message-id='" + id + "']";
        untilTrue(() -> browser.exists(row));
        assertThat(browser.text(row)).contains("Order Completed").contains("firefox-user");
        drover.awaitState(id, "delivered");
        browser.click(row);
        String card = ".integration[data-integration='webhook']";
        String text = until(() -> browser.text(card), t -> t != null && t.contains("Response: 200"));
        assertThat(text).contains("delivered").contains("Request: POST").contains("/hook").contains("\"ok\": true");
        browser.click("#journey-out details summary");
        assertThat(browser.text("#journey-out")).contains("<script>window.pwned=1</script>");
        assertThat(browser.js("return window.pwned === undefined && document.querySelectorAll('#page script').length === 0;")
                .asBoolean()).isTrue();
    }

    @Test
    @Order(3)
    void aFilteredEventSaysWhy() {
        Firefox.assumeInstalled();
        String id = "firefox-left-" + UUID.randomUUID();
        drover.track(event(id, ",\"integrations\":{\"All\":false}"));
        drover.awaitState(id, "left-out");
        go("journey/" + id);
        String decision = until(() -> browser.text(".integration[data-integration='webhook'] .decision"),
                t -> t != null);
        assertThat(decision).startsWith("Left out: integrations_object");
    }

    @Test
    @Order(4)
    void aRefusedEventIsADeadLetterAndAReplayFromThePageDeliversIt() {
        Firefox.assumeInstalled();
        String id = "firefox-refuse-" + UUID.randomUUID();
        StubMapping refuse = drover.vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook"))
                .withRequestBody(WireMock.containing(id)).atPriority(1)
                .willReturn(WireMock.aResponse().withStatus(400).withBody("{\"error\":\"missing field\"}")));
        drover.track(event(id, ""));
        drover.awaitState(id, "dead-lettered");
        go("dead");
        untilTrue(() -> browser.exists("#dead-integration option[value='webhook']"));
        browser.js("document.getElementById('dead-integration').value = 'webhook';");
        String row = "tr.letter[data-message-id='" + id + "']";
        untilTrue(() -> {
            browser.click("#dead-form button[type=submit]");
            return until(() -> browser.js("return document.querySelector('#dead-list table') !== null;").asBoolean(),
                    Boolean.TRUE::equals) && browser.exists(row);
        });
        browser.click(row + " td:nth-child(5)");
        untilTrue(() -> browser.text("#dead-detail").contains("missing field"));

        drover.vendor.removeStub(refuse);
        browser.click(row + " input[type=checkbox]");
        assertThat(browser.js("return document.querySelector(args[0]).checked;", row + " input[type=checkbox]")
                .asBoolean()).isTrue();
        browser.click("#replay-selected");
        untilTrue(() -> browser.text("#dead-progress").contains("Replay done: 1 sent back"));
        drover.awaitState(id, "delivered");
        drover.vendor.verify(WireMock.moreThanOrExactly(2), WireMock.postRequestedFor(WireMock.urlEqualTo("/hook"))
                .withRequestBody(WireMock.containing(id)));
    }

    @Test
    @Order(5)
    void thePlaygroundsValidationButtonShowsGa4sAnswer() {
        Firefox.assumeInstalled();
        String id = "firefox-val-" + UUID.randomUUID();
        drover.stubValidation(id);
        go("playground");
        untilTrue(() -> browser.exists("#play-module option[value='ga4']"));
        browser.js("document.getElementById('play-module').value = 'ga4';"
                + " document.getElementById('play-event').value = args[0];", ConsoleDrover.consentedOrder(id));
        browser.click("#play-validate");
        String out = until(() -> browser.text("#play-out"), t -> t != null && t.contains("Validation 200"));
        assertThat(out).contains("/debug/mp/collect?measurement_id=G-CONSOLE1&api_secret=xxxxxx")
                .contains("Items should not be empty for a purchase event.").doesNotContain(ConsoleDrover.GA4_SECRET);
        drover.vendor.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/debug/mp/collect"))
                .withRequestBody(WireMock.containing("o-" + id)));
    }
}
