package io.drover.destinations.mixpanel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Mixpanel module (integrations/mixpanel.yaml) on the shared Drover against a stand-in Mixpanel: /import
 * and /engage requests as the Ingestion API documents them, failed_records, /engage's 200 that refuses, and the
 * module staying off without its project token.
 */
class MixpanelDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PROJECT_ID = "2718281";
    private static final String TOKEN = "mp_delivery_test_token";
    private static final String IMPORT = "/import?strict=1&project_id=" + PROJECT_ID;
    private static final String ENGAGE = "/engage?verbose=1";
    private static final String MISSING =
            "missing setting mixpanel.project-token (environment variable MIXPANEL_PROJECT_TOKEN)";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("mixpanel.yaml");
    private static WireMockServer mixpanel;
    private static String adminWithoutToken;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void install() throws Exception {
        mixpanel = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        mixpanel.start();
        mixpanel.stubFor(post(urlPathEqualTo("/import")).atPriority(10)
                .willReturn(okJson("{\"code\":200,\"num_records_imported\":1,\"status\":\"OK\"}")));
        mixpanel.stubFor(post(urlPathEqualTo("/engage")).atPriority(10).willReturn(okJson("{\"error\":null,\"status\":1}")));
        System.setProperty("mixpanel.base-url", "http://127.0.0.1:" + mixpanel.port());
        System.setProperty("mixpanel.project-id", PROJECT_ID);
        System.setProperty("mixpanel.service-account-username", "drover-sa.test");
        System.setProperty("mixpanel.service-account-secret", "sa-test-secret");
        // Without its project token the module does not start, and says which setting is missing.
        Modules.applied(drover, module, () -> Files.copy(Path.of("integrations/mixpanel.yaml"), module));
        assertThat(drover.server.integrations().errors().get(module)).isEqualTo(MISSING);
        adminWithoutToken = admin();
        System.setProperty("mixpanel.project-token", TOKEN);
        Modules.running(drover, module,
                () -> Files.writeString(module, Files.readString(Path.of("integrations/mixpanel.yaml")) + "\n"));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        for (String s : List.of("base-url", "project-id", "project-token", "service-account-username",
                "service-account-secret")) {
            System.clearProperty("mixpanel." + s);
        }
        mixpanel.stop();
    }

    @Test
    void withoutItsProjectTokenTheModuleDidNotStartAndSaidWhichSettingIsMissing() {
        assertThat(adminWithoutToken).contains("mixpanel.yaml").contains(MISSING);
        assertThat(admin()).doesNotContain(MISSING);
    }

    @Test
    void aTrackGoesToImportAndAnIdentifyToEngageAsTheIngestionApiDocumentsThem() throws Exception {
        String user = "mp-user-" + run, anon = "anon-" + run, track = id("track"), identify = id("identify");
        send(trackEvent(user, anon, track), "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\""
                + anon + "\",\"messageId\":\"" + identify + "\",\"timestamp\":\"2026-11-28T10:00:01.000Z\","
                + "\"traits\":{\"plan\":\"pro\",\"email\":\"jane@example.com\"},\"context\":{\"ip\":\"203.0.113.9\"}}");
        LoggedRequest imported = await(IMPORT, MixpanelEvents.insertId(track), 1).get(0);
        assertThat(imported.getMethod().getName()).isEqualTo("POST");
        assertThat(imported.getHeader("Content-Type")).startsWith("application/json");
        assertThat(imported.getHeader("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("drover-sa.test:sa-test-secret".getBytes(StandardCharsets.UTF_8)));
        long ms = Instant.parse("2026-11-28T10:00:00.000Z").toEpochMilli();
        assertThat(MAPPER.readTree(imported.getBodyAsString())).isEqualTo(MAPPER.readTree("""
                [{"event":"Song Played","properties":{"title":"Aria","token":"%s","time":%d,"distinct_id":"%s",
                  "$insert_id":"%s","$user_id":"%s","$device_id":"%s","ip":"203.0.113.9",
                  "$current_url":"https://shop.example/aria"}}]
                """.formatted(TOKEN, ms, user, MixpanelEvents.insertId(track), user, anon)));
        LoggedRequest engaged = await(ENGAGE, user, 1).get(0);
        assertThat(engaged.getHeader("Content-Type")).startsWith("application/json");
        assertThat(engaged.getHeader("Authorization")).isNull();
        assertThat(MAPPER.readTree(engaged.getBodyAsString())).isEqualTo(MAPPER.readTree("""
                [{"$token":"%s","$distinct_id":"%s","$ip":"203.0.113.9","$set":{"plan":"pro","$email":"jane@example.com"}}]
                """.formatted(TOKEN, user)));
    }

    @Test
    void failedRecordsAreDeadLetteredAndTheOthersAreNotSentAgain() throws Exception {
        String user = "mp-user-" + run, good = id("good"), bad = id("bad");
        mixpanel.stubFor(post(urlEqualTo(IMPORT)).withRequestBody(containing(MixpanelEvents.insertId(bad)))
                .willReturn(aResponse().withStatus(400).withBody("{\"code\":400,\"error\":\"some data points in the"
                        + " request failed validation\",\"status\":\"Bad Request\",\"num_records_imported\":1,"
                        + "\"failed_records\":[{\"index\":0,\"$insert_id\":\"" + MixpanelEvents.insertId(bad) + "\","
                        + "\"field\":\"properties.time\",\"message\":\"'properties.time' is invalid\"}]}")));
        send(trackEvent(user, "anon-" + run, bad), trackEvent(user, "anon-" + run, good));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.mixpanel")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, bad).isEmpty());
            JsonNode letter = letters(dlq, bad).get(0).value();
            assertThat(letter.get("reason").asText())
                    .isEqualTo("Mixpanel refused the event: properties.time: 'properties.time' is invalid");
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith(IMPORT);
            assertThat(dlq.requestOf(letter).at("/body/0/properties/$insert_id").asText()).isEqualTo(MixpanelEvents.insertId(bad));
            // The next event of this integration is delivered: the batch is done, the good event was not resent.
            String after = id("after");
            send(trackEvent(user, "anon-" + run, after));
            await(IMPORT, MixpanelEvents.insertId(after), 1);
            dlq.awaitCaughtUp();
            assertThat(requestsWith(IMPORT, MixpanelEvents.insertId(good))).hasSize(1);
            assertThat(letters(dlq, good)).isEmpty();
        }
    }

    @Test
    void profileUpdatesEngageRefusesWithA200AreDeadLettered() throws Exception {
        String user = "mp-refused-" + run, identify = id("identify");
        mixpanel.stubFor(post(urlEqualTo(ENGAGE)).withRequestBody(containing(user))
                .willReturn(okJson("{\"error\":\"$set is not a valid object\",\"status\":0}")));
        send("{\"type\":\"identify\",\"userId\":\"" + user + "\",\"messageId\":\"" + identify + "\","
                + "\"traits\":{\"plan\":\"pro\"}}");
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.mixpanel")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, identify).isEmpty());
            JsonNode letter = letters(dlq, identify).get(0).value();
            assertThat(letter.get("reason").asText()).contains("$set is not a valid object");
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith(ENGAGE);
        }
        assertThat(requestsWith(ENGAGE, user)).hasSize(1);
    }

    private String id(String name) {
        return name + "-" + run + "-" + UUID.randomUUID();
    }

    private static String trackEvent(String user, String anon, String messageId) {
        return "{\"type\":\"track\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + anon + "\",\"event\":\"Song Played\","
                + "\"messageId\":\"" + messageId + "\",\"timestamp\":\"2026-11-28T10:00:00.000Z\","
                + "\"properties\":{\"title\":\"Aria\"},\"context\":{\"ip\":\"203.0.113.9\","
                + "\"page\":{\"url\":\"https://shop.example/aria\"}}}";
    }

    private static void send(String... events) {
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":[" + String.join(",", events) + "]}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private static List<LoggedRequest> await(String url, String text, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(url, text).size() >= count);
        return requestsWith(url, text);
    }

    private static List<LoggedRequest> requestsWith(String url, String text) {
        return mixpanel.findAll(postRequestedFor(urlEqualTo(url)).withRequestBody(containing(text)));
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String id) {
        return dlq.where(x -> id.equals(x.value().at("/event/messageId").asText()));
    }

    private static String admin() {
        return Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
    }
}
