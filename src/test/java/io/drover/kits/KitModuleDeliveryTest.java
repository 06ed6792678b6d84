package io.drover.kits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.destinations.api.Batch;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import io.drover.destinations.GoldenFiles;
import io.drover.destinations.Hashing;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked example of docs/metarouter.md, taken from the page as it is: a module that runs MetaRouter's TikTok kit
 * (from the npm package) on the shared Drover, against a stand-in TikTok on loopback. It stays off, naming the
 * setting, until its access token is set; an order ingested over HTTP reaches the stand-in exactly as the kit builds
 * it; an event the kit's Lua fails on (no anonymousId: the kit concatenates its hash) is dead-lettered alone, with
 * the Lua error and the kit's place, while the other event of its batch is delivered.
 */
class KitModuleDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PIXEL = "CKITPIXEL0123456789";
    private static final String TOKEN = "tt_kit_delivery_token_0123456789";
    private static final String PATH = "/open_api/v1.3/event/track/";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("tiktok-kit.yaml");
    private static WireMockServer tiktok;

    /** The module block of docs/metarouter.md. */
    static String workedExample() throws Exception {
        String page = Files.readString(Path.of("docs/metarouter.md"));
        Matcher m = Pattern.compile("<!-- tiktok-kit.yaml:[^>]*-->\\s*```yaml\\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("docs/metarouter.md has the tiktok-kit.yaml block").isTrue();
        return m.group(1);
    }

    @BeforeAll
    static void install() throws Exception {
        StarterKits.assumeInstalled();
        tiktok = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tiktok.start();
        tiktok.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"code\":0,\"message\":\"OK\",\"data\":{}}")));
        System.setProperty("drover.kits.npm-package", StarterKits.PACKAGE.toAbsolutePath().toString());
        System.setProperty("tiktok-kit.base-url", "http://127.0.0.1:" + tiktok.port());
        System.setProperty("tiktok-kit.pixel-code", PIXEL);
        String example = workedExample();

        Modules.applied(drover, module, () -> Files.writeString(module, example));
        assertThat(drover.server.integrations().errors().get(module)).isEqualTo(
                "missing setting tiktok-kit.access-token (environment variable TIKTOK_KIT_ACCESS_TOKEN)");
        assertThat(drover.server.integrations().modules().keySet()).doesNotContain(module);

        System.setProperty("tiktok-kit.access-token", TOKEN);
        Modules.running(drover, module, () -> Files.writeString(module, example));
    }

    @AfterAll
    static void remove() throws Exception {
        if (tiktok == null) {
            return;
        }
        Modules.removed(drover, module);
        for (String p : new String[] {"drover.kits.npm-package", "tiktok-kit.base-url", "tiktok-kit.pixel-code",
                "tiktok-kit.access-token"}) {
            System.clearProperty(p);
        }
        tiktok.stop();
    }

    @Test
    void anOrderReachesTikTokExactlyAsTheKitBuildsIt() throws Exception {
        String id = "kit-order-" + UUID.randomUUID();
        String user = "kit-user-" + UUID.randomUUID();
        ObjectNode order = GoldenFiles.event("order-completed");
        order.put("messageId", id).put("userId", user);
        order.remove("sentAt");
        send(order);

        LoggedRequest request = awaitRequests(id, 1).get(0);
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getUrl()).isEqualTo(PATH);
        assertThat(request.getHeader("Access-Token")).isEqualTo(TOKEN);
        assertThat(request.getHeader("Accept-Encoding")).isEqualTo("application/json");
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));

        // The whole body is the kit's, for the event as Drover stored it ...
        JsonNode stored = drover.topic.await(id).value();
        KitRequest.Compiled kit = StarterKits.compile("tiktok", java.util.Map.of("ACCESS_TOKEN", TOKEN,
                "EVENT_SOURCE_ID", PIXEL));
        String expected = StarterKits.requests(kit, new Batch(), List.of((ObjectNode) stored)).get(0).body();
        JsonNode body = MAPPER.readTree(request.getBodyAsString());
        assertThat(body).isEqualTo(MAPPER.readTree(expected));
        // ... which is TikTok's Events API 2.0 shape.
        assertThat(body.get("event_source").asText()).isEqualTo("web");
        assertThat(body.get("event_source_id").asText()).isEqualTo(PIXEL);
        JsonNode event = body.at("/data/0");
        // The kit sends TikTok's current name of a purchase (as Drover's Java module does since issue 16).
        assertThat(event.get("event").asText()).isEqualTo("Purchase");
        assertThat(event.get("event_id").asText()).isEqualTo(Hashing.sha256(stored.get("anonymousId").asText()) + "_" + id);
        assertThat(event.at("/user/ttclid").asText()).isEqualTo("E.C.P.ttclid_test");
        assertThat(event.at("/properties/contents")).hasSize(2);
    }

    @Test
    void anEventTheKitsLuaFailsOnIsDeadLetteredAloneWithTheErrorAndThePlace() throws Exception {
        String good = "kit-good-" + UUID.randomUUID();
        String bad = "kit-bad-" + UUID.randomUUID();
        ObjectNode withAnonymousId = GoldenFiles.event("product-viewed");
        withAnonymousId.put("messageId", good).put("userId", "kit-user-" + UUID.randomUUID());
        ObjectNode onlyUserId = GoldenFiles.event("product-viewed");
        onlyUserId.put("messageId", bad).put("userId", "kit-user-" + UUID.randomUUID()).remove("anonymousId");
        withAnonymousId.remove("sentAt");
        onlyUserId.remove("sentAt");
        send(onlyUserId, withAnonymousId);

        awaitRequests(good, 1);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.tiktok-kit")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, bad).isEmpty());
            JsonNode letter = letters(dlq, bad).get(0).value();
            assertThat(letter.get("reason").asText())
                    .contains("tiktok: global.mappings[0] (input -> event_id).transforms[0]")
                    .contains("attempt to concatenate");
            assertThat(letter.toString()).doesNotContain(TOKEN);
            Modules.handled(drover, "tiktok-kit", good);
            assertThat(letters(dlq, good)).isEmpty();
        }
        assertThat(requestsWith(bad)).isEmpty();
        assertThat(requestsWith(good)).hasSize(1);
        assertThat(TestDrover.LOGS.lines()).noneMatch(l -> l.contains(TOKEN));
    }

    @Test
    void aRequestTikTokRefusesIsDeadLetteredWithItsAnswerAndTheRequestWithoutTheToken() throws Exception {
        String id = "kit-refused-" + UUID.randomUUID();
        tiktok.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(id)).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody("{\"code\":40002,\"message\":\"bad\"}")));
        ObjectNode order = GoldenFiles.event("order-completed");
        order.put("messageId", id).put("userId", "kit-user-" + UUID.randomUUID()).remove("sentAt");
        send(order);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.tiktok-kit")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, id).isEmpty());
            JsonNode letter = letters(dlq, id).get(0).value();
            assertThat(letter.get("status").asInt()).isEqualTo(400);
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            JsonNode sent = dlq.requestOf(letter);
            assertThat(sent.at("/url").asText()).endsWith(PATH);
            assertThat(sent.toString()).contains(id).doesNotContain(TOKEN);
            assertThat(letter.toString()).doesNotContain(TOKEN);
        }
        assertThat(requestsWith(id)).hasSize(1);
    }

    @Test
    void anEventFromMetaRoutersTagIsStoredWithDroversNamesOfItsVendorIdsToo() throws Exception {
        String id = "kit-mr-tag-" + UUID.randomUUID();
        ObjectNode page = GoldenFiles.event("page");
        page.put("messageId", id).put("userId", "kit-user-" + UUID.randomUUID()).remove("sentAt");
        ObjectNode providers = ((ObjectNode) page.get("context")).putObject("providers");
        providers.putObject("facebookTag").put("_fbp", "fb.1.1700000000000.42").put("_fbc", "fb.1.1700000000000.IwAR");
        providers.putObject("googleAnalytics4").put("clientID", "555.666");
        send(page);
        JsonNode stored = drover.topic.await(id).value();
        assertThat(stored.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.1700000000000.42");
        assertThat(stored.at("/context/providers/meta/fbc").asText()).isEqualTo("fb.1.1700000000000.IwAR");
        assertThat(stored.at("/context/providers/google/clientId").asText()).isEqualTo("555.666");
        assertThat(stored.at("/context/providers/facebookTag/_fbp").asText()).isEqualTo("fb.1.1700000000000.42");
    }

    private static void send(ObjectNode... events) {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < events.length; i++) {
            batch.append(i == 0 ? "" : ",").append(events[i]);
        }
        assertThat(Http.post(drover.url("/v1/batch"), batch + "]}", "Authorization", Http.basic(WEB_KEY)).status())
                .isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return tiktok.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(id)));
    }

    private static List<LoggedRequest> awaitRequests(String id, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(id).size() >= count);
        return requestsWith(id);
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String id) {
        return dlq.where(e -> id.equals(e.value().at("/event/messageId").asText()));
    }
}
