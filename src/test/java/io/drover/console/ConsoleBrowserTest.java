package io.drover.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.drover.testing.Chromium;
import io.drover.testing.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in headless Chromium against a real Drover (token set) and a WireMock stand-in vendor on loopback:
 * login (a wrong token refused), an event sent shows in the live tail with a {@code <script>} field as text, its
 * journey shows the request and the vendor's answer, a filtered event says why, a vendor's 400 puts it in dead
 * letters and a replay from the page delivers it; the playground's validation button sends to GA4's and Meta's
 * validation endpoints (stood in for) and shows the answer. Each page's screenshot goes to docs/console/.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Path SHOTS = Path.of("docs/console");
    private static ConsoleDrover drover;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        if (!Chromium.installed()) {
            return;
        }
        drover = ConsoleDrover.shared();
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static void go(String hash) {
        browser.get(drover.admin("/console#" + hash));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
    }

    private static String event(String id, String extra) {
        return "{\"userId\":\"browser-user\",\"messageId\":\"" + id + "\",\"event\":\"Order Completed\","
                + "\"properties\":{\"note\":\"<script>window.pwned=1</script>\",\"revenue\":12}" + extra + "}";
    }

    private static JsonNode awaitState(String id, String state) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Http.Response r = drover.get("/admin/journeys?messageId=" + id);
            for (JsonNode j : r.json().get("journeys")) {
                if (j.get("state").asText().equals(state)) {
                    return j;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedAndTheRightOneLogsIn() throws Exception {
        Chromium.assumeInstalled();
        browser.get(drover.admin("/console"));
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        token.sendKeys("not-the-token");
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "wrong token"));
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
        shot("login");
        browser.findElement(By.id("token")).sendKeys(ConsoleDrover.TOKEN);
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
        // The session is a cookie the page's script cannot read; the token is in no URL.
        assertThat(browser.executeScript("return document.cookie")).isEqualTo("");
        assertThat(browser.getCurrentUrl()).doesNotContain(ConsoleDrover.TOKEN);
    }

    @Test
    @Order(2)
    void anEventShowsInTheLiveTailAsTextAndItsJourneyHasTheRequestAndTheAnswer() throws Exception {
        Chromium.assumeInstalled();
        go("live");
        wait.until(ExpectedConditions.textToBe(By.id("live-status"), "following"));
        String id = "live-" + UUID.randomUUID();
        drover.track(event(id, ""));
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#live-rows tr[data-message-id='" + id + "']")));
        assertThat(row.getText()).contains("Order Completed").contains("browser-user");
        shot("live-events");
        awaitState(id, "delivered");
        row.click();
        WebElement card = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".integration[data-integration='webhook']")));
        assertThat(card.getText()).contains("delivered").contains("Request: POST").contains("/hook")
                .contains("Response: 200").contains("\"ok\": true");
        // The stored event's field is shown, as text, and never ran.
        browser.findElement(By.cssSelector("#journey-out details summary")).click();
        assertThat(browser.findElement(By.id("journey-out")).getText()).contains("<script>window.pwned=1</script>");
        assertThat(browser.executeScript("return window.pwned === undefined && document.querySelectorAll('#page script').length === 0"))
                .isEqualTo(true);
        shot("event-journey");
    }

    @Test
    @Order(3)
    void aFilteredEventSaysWhy() throws Exception {
        Chromium.assumeInstalled();
        String id = "left-" + UUID.randomUUID();
        drover.track(event(id, ",\"integrations\":{\"All\":false}"));
        awaitState(id, "left-out");
        go("journey/" + id);
        WebElement decision = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".integration[data-integration='webhook'] .decision")));
        assertThat(decision.getText()).startsWith("Left out: integrations_object");
    }

    @Test
    @Order(4)
    void aRefusedEventIsADeadLetterAndAReplayFromThePageDeliversIt() throws Exception {
        Chromium.assumeInstalled();
        String marker = "refuse-" + UUID.randomUUID();
        StubMapping refuse = drover.vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook"))
                .withRequestBody(WireMock.containing(marker)).atPriority(1)
                .willReturn(WireMock.aResponse().withStatus(400).withBody("{\"error\":\"missing field\"}")));
        String id = marker;
        drover.track(event(id, ""));
        awaitState(id, "dead-lettered");
        go("dead");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#dead-integration option[value='webhook']")));
        new Select(browser.findElement(By.id("dead-integration"))).selectByValue("webhook");
        By row = By.cssSelector("tr.letter[data-message-id='" + id + "']");
        wait.until(d -> {
            d.findElement(By.cssSelector("#dead-form button[type=submit]")).click();
            return !d.findElements(row).isEmpty();
        });
        // The list may be drawn again by an earlier search's answer: an element found before it is then stale.
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(row).click();
            return d.findElement(By.id("dead-detail")).getText().contains("missing field");
        });
        shot("dead-letters");
        // The vendor takes it now; replayed from the page, it is delivered.
        drover.vendor.removeStub(refuse);
        By box = By.cssSelector("tr.letter[data-message-id='" + id + "'] input[type=checkbox]");
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            if (!d.findElement(box).isSelected()) {
                d.findElement(box).click();
            }
            return d.findElement(box).isSelected();
        });
        // The selection outlives the list being drawn again (another search, or a late answer of an earlier one).
        WebElement before = browser.findElement(box);
        browser.findElement(By.cssSelector("#dead-form button[type=submit]")).click();
        wait.until(ExpectedConditions.stalenessOf(before));
        assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(box)).isSelected()).isTrue();
        browser.findElement(By.id("replay-selected")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("dead-progress"), "Replay done: 1 sent back"));
        awaitState(id, "delivered");
        drover.vendor.verify(WireMock.moreThanOrExactly(2), WireMock.postRequestedFor(WireMock.urlEqualTo("/hook"))
                .withRequestBody(WireMock.containing(marker)));
    }

    @Test
    @Order(5)
    void theOtherPages() throws Exception {
        Chromium.assumeInstalled();
        go("overview");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("page"), "webhook"));
        // The counts are this instance's: the page names it and says how to see the cluster's.
        assertThat(browser.findElement(By.id("overview-instance")).getText()).startsWith("Counted by instance ")
                .contains("pid " + ProcessHandle.current().pid()).contains("sum by (integration)");
        shot("overview");
        go("modules");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("page"), "webhook.yaml"));
        assertThat(browser.findElement(By.id("page")).getText()).doesNotContain("whsec_console_0123456789");
        shot("modules");
        go("playground");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("play-run")));
        new Select(browser.findElement(By.id("play-module"))).selectByValue("webhook");
        browser.findElement(By.id("play-run")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("play-out"), "POST"));
    }

    @Test
    @Order(6)
    void thePlaygroundsValidationButtonSendsToGa4sAndMetasValidationAndShowsTheAnswer() throws Exception {
        Chromium.assumeInstalled();
        String id = "val-page-" + UUID.randomUUID();
        drover.stubValidation(id);
        go("playground");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("play-validate")));
        WebElement text = browser.findElement(By.id("play-event"));
        text.clear();
        text.sendKeys(ConsoleDrover.consentedOrder(id));
        new Select(browser.findElement(By.id("play-module"))).selectByValue("ga4");
        browser.findElement(By.id("play-validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("play-out"), "Validation 200"));
        String out = browser.findElement(By.id("play-out")).getText();
        // Nothing absent is written as a stray text ("null"): the answer is elements only.
        assertThat(browser.executeScript("return [...document.getElementById('play-out').childNodes]"
                + ".filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent)")).asList().isEmpty();
        assertThat(out).contains("/debug/mp/collect?measurement_id=G-CONSOLE1&api_secret=xxxxxx")
                .contains("Items should not be empty for a purchase event.").contains("VALUE_REQUIRED")
                .doesNotContain(ConsoleDrover.GA4_SECRET);
        drover.vendor.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/debug/mp/collect"))
                .withRequestBody(WireMock.containing("o-" + id)));
        shot("playground");

        // Meta: its Test Events code from the page's field goes in the request; without it, the page says so.
        new Select(browser.findElement(By.id("play-module"))).selectByValue("meta");
        browser.findElement(By.id("play-validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("play-out"), "Test Events code"));
        browser.findElement(By.id("play-code")).sendKeys("TEST4242");
        browser.findElement(By.id("play-validate")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("play-out"), "Validation 200"));
        assertThat(browser.findElement(By.id("play-out")).getText()).contains("\"events_received\": 1")
                .contains("\"fbtrace_id\": \"AbCdEf123\"").doesNotContain(ConsoleDrover.META_TOKEN);
        drover.vendor.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v26.0/" + ConsoleDrover.META_PIXEL + "/events"))
                .withRequestBody(WireMock.containing(id)));
    }
}
