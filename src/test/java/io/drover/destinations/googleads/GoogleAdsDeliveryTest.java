package io.drover.destinations.googleads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Google Ads module (integrations/google-ads.yaml, copied as is) on the shared Drover against a stand-in
 * Google Ads API and token endpoint: off until its refresh token is set; then its access token is made once from the
 * refresh token and kept, each Order Completed with a click id is uploaded, the conversions a partial failure names
 * are dead-lettered with Google's error while the others count as delivered, purchases without a click id are left
 * out, throttling is retried and an authentication error on a fresh token is not.
 */
class GoogleAdsDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("google-ads.yaml");
    private static final WireMockServer ads =
            new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private static final String PATH = "/v26/customers/1234567890:uploadClickConversions";
    private static final String TOKEN = "ya29.delivery-access-token";
    private static final String REFRESH_TOKEN = "1//delivery-refresh-token";
    private static final String CLIENT_SECRET = "delivery-client-secret";
    private static final String[] SETTINGS = {"google-ads.customer-id", "google-ads.conversion-action",
        "google-ads.developer-token", "google-ads.client-id", "google-ads.client-secret", "google-ads.refresh-token",
        "google-ads.token-url", "google-ads.login-customer-id", "google-ads.base-url", "google-ads.delay",
        "google-ads.too-recent-retry", "google-ads.events"};

    @BeforeAll
    static void install() throws Exception {
        ads.start();
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(okJson("{\"results\":[{}],\"jobId\":\"42\"}")));
        System.setProperty("google-ads.customer-id", "123-456-7890");
        System.setProperty("google-ads.conversion-action", "987654321");
        System.setProperty("google-ads.developer-token", "dev-token-delivery");
        System.setProperty("google-ads.login-customer-id", "111-222-3333");
        System.setProperty("google-ads.base-url", "http://127.0.0.1:" + ads.port());
        // Sent at once here (GoogleAdsDelayTest covers the module's 6-hour hold).
        System.setProperty("google-ads.delay", "0s");
        // Google's "Retry after 6 hours have passed", in seconds here.
        System.setProperty("google-ads.too-recent-retry", "2s");
        System.setProperty("google-ads.events", "Order Completed,Checkout Started");
        // Google's token endpoint, stood in by the same server: an access token for the right refresh token only.
        ads.stubFor(post(urlEqualTo("/token")).withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("grant_type=refresh_token&client_id=delivery-client.apps.googleusercontent.com"
                        + "&client_secret=" + CLIENT_SECRET + "&refresh_token=1%2F%2Fdelivery-refresh-token"))
                .willReturn(okJson("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        System.setProperty("google-ads.client-id", "delivery-client.apps.googleusercontent.com");
        System.setProperty("google-ads.client-secret", CLIENT_SECRET);
        System.setProperty("google-ads.token-url", "http://127.0.0.1:" + ads.port() + "/token");

        // Without the refresh token the module does not start, and says which setting is missing.
        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/google-ads.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        assertThat(admin()).contains("google-ads.yaml")
                .contains("missing setting google-ads.refresh-token (environment variable GOOGLE_ADS_REFRESH_TOKEN)");
        assertThat(drover.server.integrations().modules().keySet()).noneMatch(p -> p.endsWith("google-ads.yaml"));

        System.setProperty("google-ads.refresh-token", REFRESH_TOKEN);
        Modules.running(drover, module,
                () -> Files.copy(Path.of("integrations/google-ads.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
    }

    @AfterAll
    static void remove() throws Exception {
        assertThat(TestDrover.LOGS.lines()).as("the tokens never reach the logs")
                .noneMatch(l -> l.contains(TOKEN) || l.contains("dev-token-delivery") || l.contains(CLIENT_SECRET)
                        || l.contains("delivery-refresh-token"));
        Modules.removed(drover, module);
        for (String s : SETTINGS) {
            System.clearProperty(s);
        }
        ads.stop();
    }

    @Test
    void anOrderWithAClickIdIsUploadedAsAClickConversion() throws Exception {
        String gclid = "gclid-" + UUID.randomUUID();
        ObjectNode event = order("buyer-1", gclid, "order-" + gclid);
        send(event);
        LoggedRequest r = awaitRequests(gclid, 1).get(0);
        assertThat(r.getUrl()).isEqualTo(PATH);
        assertThat(r.getMethod().getName()).isEqualTo("POST");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.getHeader("developer-token")).isEqualTo("dev-token-delivery");
        assertThat(r.getHeader("login-customer-id")).isEqualTo("1112223333");
        assertThat(r.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(MAPPER.readTree(r.getBodyAsString())).isEqualTo(MAPPER.readTree("""
                {"conversions":[{"gclid":"%s","conversionAction":"customers/1234567890/conversionActions/987654321",
                  "conversionDateTime":"2026-11-28 09:30:00+00:00","conversionValue":42.5,"currencyCode":"EUR",
                  "orderId":"order-%s"}],"partialFailure":true}""".formatted(gclid, gclid)));
    }

    @Test
    void theAccessTokenIsMadeFromTheRefreshTokenOnceAndKeptUntilItExpires() throws Exception {
        int before = -1;
        for (int i = 0; i < 3; i++) {
            String gclid = "kept-" + i + "-" + UUID.randomUUID();
            send(order("buyer-6", gclid, "order-" + gclid));
            assertThat(awaitRequests(gclid, 1).get(0).getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            if (i == 0) {
                before = ads.findAll(postRequestedFor(urlEqualTo("/token"))).size();
                assertThat(before).as("the first upload got a token").isGreaterThanOrEqualTo(1);
            }
        }
        // Valid for an hour: the two later batches used the token the first one got.
        assertThat(ads.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(before);
    }

    @Test
    void conversionsNamedByAPartialFailureAreDeadLetteredAndTheOthersDelivered() throws Exception {
        String good = "good-" + UUID.randomUUID(), bad = "bad-" + UUID.randomUUID();
        // Both in one request: the second conversion fails; alone (if the batch was cut between them): the first.
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(good)).withRequestBody(containing(bad))
                .willReturn(okJson(partialFailure(1))));
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(2).withRequestBody(containing(bad)).willReturn(okJson(partialFailure(0))));
        ObjectNode goodOrder = order("buyer-2", good, "order-" + good);
        ObjectNode badOrder = order("buyer-2", bad, "order-" + bad);
        send(goodOrder, badOrder);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.google-ads")) {
            String badId = badOrder.get("messageId").asText();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, badId).isEmpty());
            JsonNode letter = letters(dlq, badId).get(0).value();
            assertThat(letter.get("reason").asText())
                    .isEqualTo("conversionUploadError CLICK_NOT_FOUND: The click associated with the given identifier was not found.");
            assertThat(dlq.requestOf(letter).at("/body/conversions").toString()).contains(bad);
            Modules.handled(drover, "google-ads", goodOrder.get("messageId").asText());
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, goodOrder.get("messageId").asText())).isEmpty();
        }
        assertThat(requestsWith(bad)).hasSize(1);
        assertThat(requestsWith(good)).hasSize(1);
    }

    @Test
    void aPurchaseWithoutAClickIdIsLeftOutAndCounted() throws Exception {
        String noClick = "noclick-" + UUID.randomUUID(), after = "after-" + UUID.randomUUID();
        ObjectNode withoutClick = order("buyer-3", null, noClick);
        send(withoutClick, order("buyer-3", after, "order-" + after));
        // One user's events are handled in order: once the later one arrived, the earlier one was dealt with.
        awaitRequests(after, 1);
        assertThat(ads.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(noClick)))).isEmpty();
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        assertThat(metrics).containsPattern(
                "drover_integration_filtered_total\\{integration=\"google-ads\",reason=\"no_click_id\"\\} [1-9]");
        // Its batch is done (dead letters are written after the batch's request): none was written for it.
        Modules.handled(drover, "google-ads", withoutClick.get("messageId").asText());
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.google-ads")) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, withoutClick.get("messageId").asText())).isEmpty();
        }
    }

    @Test
    void throttlingIsRetriedAfterRetryAfter() throws Exception {
        String gclid = "throttled-" + UUID.randomUUID();
        String scenario = "ads-" + gclid;
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(gclid)).inScenario(scenario)
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}"))
                .willSetStateTo("ok"));
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(gclid)).inScenario(scenario)
                .whenScenarioStateIs("ok").willReturn(okJson("{\"results\":[{}]}")));
        ObjectNode event = order("buyer-4", gclid, "order-" + gclid);
        send(event);
        awaitRequests(gclid, 2);
        Modules.handled(drover, "google-ads", event.get("messageId").asText());
        assertThat(requestsWith(gclid)).hasSize(2);
    }

    @Test
    void anAuthenticationErrorIsDeadLetteredWithoutRetry() throws Exception {
        String gclid = "unauth-" + UUID.randomUUID();
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(gclid))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}")));
        ObjectNode event = order("buyer-5", gclid, "order-" + gclid);
        send(event);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.google-ads")) {
            String id = event.get("messageId").asText();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, id).isEmpty());
            JsonNode letter = letters(dlq, id).get(0).value();
            assertThat(letter.get("status").asInt()).isEqualTo(401);
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            assertThat(letter.toString()).doesNotContain(TOKEN);
        }
        assertThat(requestsWith(gclid)).hasSize(1);
    }

    @Test
    void aConversionGoogleFindsTooRecentIsUploadedAgainAfterTheTimeItNamesNotDeadLettered() throws Exception {
        String gclid = "recent-" + UUID.randomUUID();
        String scenario = "recent-" + gclid;
        // Google, for a click under 6 hours old: a 200 whose partial failure names the conversion, TOO_RECENT_EVENT.
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(gclid)).inScenario(scenario)
                .whenScenarioStateIs(STARTED).willReturn(okJson(partialFailure(0, "TOO_RECENT_EVENT",
                        "The click associated with the given identifier or iOS URL parameter occurred less than 6 hours"
                                + " ago. Retry after 6 hours have passed.")))
                .willSetStateTo("old enough"));
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(gclid)).inScenario(scenario)
                .whenScenarioStateIs("old enough").willReturn(okJson("{\"results\":[{}]}")));
        ObjectNode event = order("buyer-7", gclid, "order-" + gclid);
        send(event);
        List<LoggedRequest> both = awaitRequests(gclid, 2);
        long waited = both.get(1).getLoggedDate().getTime() - both.get(0).getLoggedDate().getTime();
        assertThat(waited).as("uploaded again once the time Google named (2 s here) had passed").isGreaterThanOrEqualTo(2_000);
        assertThat(MAPPER.readTree(both.get(1).getBodyAsString())).isEqualTo(MAPPER.readTree(both.get(0).getBodyAsString()));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.google-ads")) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, event.get("messageId").asText())).isEmpty();
        }
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body())
                .containsPattern("drover_integration_deferred_total\\{integration=\"google-ads\"\\} [1-9]");
        assertThat(requestsWith(gclid)).hasSize(2);
    }

    @Test
    void aConversionStillTooRecentAfterThreeRetriesIsDeadLetteredWithGooglesWords() throws Exception {
        String gclid = "never-old-" + UUID.randomUUID();
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing(gclid))
                .willReturn(okJson(partialFailure(0, "TOO_RECENT_EVENT", "Retry after 6 hours have passed."))));
        ObjectNode event = order("buyer-9", gclid, "order-" + gclid);
        send(event);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.google-ads")) {
            String id = event.get("messageId").asText();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !letters(dlq, id).isEmpty());
            assertThat(letters(dlq, id).get(0).value().get("reason").asText())
                    .isEqualTo("still too early after 3 retries: conversionUploadError TOO_RECENT_EVENT: Retry after 6"
                            + " hours have passed.");
        }
        assertThat(requestsWith(gclid)).as("the first upload and 3 retries").hasSize(4);
    }

    @Test
    void aCheckoutOfTheOrderDoesNotTakeTheOrdersIdSoThePurchaseIsNotRefusedAsADuplicate() throws Exception {
        String gclid = "checkout-" + UUID.randomUUID();
        String orderId = "order-" + gclid;
        // Google keeps one conversion per order id and conversion action; a second is DUPLICATE_ORDER_ID.
        String scenario = "orders-" + gclid;
        String once = ".*\"orderId\":\"" + orderId + "\".*";
        String duplicate = partialFailure(0, "DUPLICATE_ORDER_ID", "The order ID has already been used.");
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(matching(once + "\"orderId\":\"" + orderId
                + "\".*")).willReturn(okJson(partialFailure(1, "DUPLICATE_ORDER_ID", "The order ID has already been used."))));
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(2).withRequestBody(matching(once)).inScenario(scenario)
                .whenScenarioStateIs(STARTED).willReturn(okJson("{\"results\":[{}]}")).willSetStateTo("used"));
        ads.stubFor(post(urlEqualTo(PATH)).atPriority(2).withRequestBody(matching(once)).inScenario(scenario)
                .whenScenarioStateIs("used").willReturn(okJson(duplicate)));
        ObjectNode checkout = order("buyer-8", gclid, orderId);
        checkout.put("event", "Checkout Started");
        ObjectNode purchase = order("buyer-8", gclid, orderId);
        send(checkout, purchase);
        awaitRequests(gclid, 1);
        Modules.handled(drover, "google-ads", purchase.get("messageId").asText());
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.google-ads")) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, purchase.get("messageId").asText())).as("the purchase was taken").isEmpty();
            assertThat(letters(dlq, checkout.get("messageId").asText())).isEmpty();
        }
        List<String> orderIds = new java.util.ArrayList<>();
        for (LoggedRequest r : requestsWith(gclid)) {
            orderIds.addAll(MAPPER.readTree(r.getBodyAsString()).get("conversions").findValuesAsText("orderId"));
        }
        assertThat(orderIds).containsExactly(orderId + "/checkout_started", orderId);
    }

    private static String partialFailure(int index, String code, String message) {
        return """
                {"results":[{},{}],"partialFailureError":{"code":3,"message":"%s",
                 "details":[{"@type":"type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                  "errors":[{"errorCode":{"conversionUploadError":"%s"},"message":"%s",
                   "location":{"fieldPathElements":[{"fieldName":"conversions","index":%d}]}}]}]},"jobId":"44"}
                """.formatted(message, code, message, index);
    }

    private static String partialFailure(int index) {
        return """
                {"results":[{},{}],"partialFailureError":{"code":3,"message":"Multiple errors in 'details'.",
                 "details":[{"@type":"type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                  "errors":[{"errorCode":{"conversionUploadError":"CLICK_NOT_FOUND"},
                   "message":"The click associated with the given identifier was not found.",
                   "location":{"fieldPathElements":[{"fieldName":"conversions","index":%d}]}}]}]},"jobId":"43"}
                """.formatted(index);
    }

    private static ObjectNode order(String userId, String gclid, String orderId) throws Exception {
        ObjectNode e = (ObjectNode) MAPPER.readTree("""
                {"type":"track","event":"Order Completed","userId":"%s","messageId":"ads-%s",
                 "timestamp":"2026-11-28T10:30:00.000+01:00",
                 "properties":{"order_id":"%s","total":42.5,"revenue":40,"currency":"eur"},"context":{}}
                """.formatted(userId, UUID.randomUUID(), orderId));
        if (gclid != null) {
            ((ObjectNode) e.get("context")).putObject("providers").putObject("google").put("gclid", gclid);
        }
        return e;
    }

    private static void send(ObjectNode... events) {
        ArrayNode batch = MAPPER.createArrayNode();
        for (ObjectNode e : events) {
            batch.add(e);
        }
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":" + batch + "}", "Authorization", Http.basic(WEB_KEY))
                .status()).isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String text) {
        return ads.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(text)));
    }

    private static List<LoggedRequest> awaitRequests(String text, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(text).size() >= count);
        return requestsWith(text);
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String messageId) {
        return dlq.where(x -> messageId.equals(x.value().at("/event/messageId").asText()));
    }

    private static String admin() {
        return Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
    }
}
