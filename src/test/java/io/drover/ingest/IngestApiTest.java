package io.drover.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.drover.testing.TestDrover.BACKEND_KEY;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingestion contract, end to end: real HTTP on a real port, and the record read back from drover.events with a
 * plain Kafka consumer, compared field by field with what Segment's API would have stored.
 */
class IngestApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TestDrover drover = TestDrover.shared();

    @Test
    void trackIsStoredWithItsExactEnrichment() throws Exception {
        String id = uniqueId();
        Instant before = Instant.now();
        Http.Response r = Http.post(drover.url("/v1/track"), """
                {"userId":"user-1","event":"Order Completed","messageId":"%s",
                 "properties":{"revenue":19.99,"currency":"EUR","products":[{"sku":"A-1","quantity":2}]},
                 "originalTimestamp":"2026-11-28T10:00:00.000Z","sentAt":"2026-11-28T10:00:05.250Z",
                 "context":{"library":{"name":"analytics.js","version":"2.1.0"}}}""".formatted(id),
                "Authorization", Http.basic(WEB_KEY), "Content-Type", "application/json", "User-Agent", "TestAgent/1.0");
        Instant after = Instant.now();

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"success\":true}");
        assertThat(r.header("content-type")).isEqualTo("application/json");

        TopicReader.Event e = drover.topic.await(id);
        Instant receivedAt = Instant.parse(e.text("receivedAt"));
        assertThat(receivedAt).isBetween(before.minusMillis(1), after.plusMillis(1));
        // Clock-skew correction: the client measured 5.25 s between the call and the send.
        String timestamp = receivedAt.minusMillis(5250).toString();
        assertThat(e.value()).isEqualTo(json("""
                {"userId":"user-1","event":"Order Completed","messageId":"%s",
                 "properties":{"revenue":19.99,"currency":"EUR","products":[{"sku":"A-1","quantity":2}]},
                 "originalTimestamp":"2026-11-28T10:00:00.000Z","sentAt":"2026-11-28T10:00:05.250Z",
                 "context":{"library":{"name":"analytics.js","version":"2.1.0"},"ip":"127.0.0.1","userAgent":"TestAgent/1.0"},
                 "type":"track","receivedAt":"%s","timestamp":"%s"}""".formatted(id, e.text("receivedAt"), millis(timestamp))));
        assertThat(e.key()).isEqualTo("user-1");
        assertThat(e.headers()).containsEntry("drover.source", "web");
        // Every instance's dedupe tail reads the key from the header, not from the JSON.
        assertThat(e.rawHeaders().get("drover.dedupe"))
                .isEqualTo(DedupeWindow.bytes(new DedupeWindow(java.time.Duration.ofMinutes(1), 10).key("web", id)));
    }

    @Test
    void anIdDroverGeneratesIsMarkedAsSuchForTheDedupeTail() throws Exception {
        String marker = uniqueId();
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"" + marker + "\"}");
        TopicReader.Event e = org.awaitility.Awaitility.await().until(
                () -> drover.topic.where(x -> marker.equals(x.text("event"))), found -> !found.isEmpty()).get(0);
        assertThat(e.rawHeaders().get("drover.dedupe")).isEmpty();
    }

    @ParameterizedTest(name = "{0} stores a {1}")
    @CsvSource({
            "/v1/track, track", "/v1/track/, track", "/v1/t, track",
            "/v1/identify, identify", "/v1/identify/, identify", "/v1/i, identify",
            "/v1/page, page", "/v1/page/, page", "/v1/p, page",
            "/v1/screen, screen", "/v1/screen/, screen", "/v1/s, screen",
            "/v1/group, group", "/v1/group/, group", "/v1/g, group",
            "/v1/alias, alias", "/v1/alias/, alias", "/v1/a, alias"})
    void everySingleMessageEndpointStoresItsType(String path, String type) {
        String id = uniqueId();
        String body = """
                {"anonymousId":"anon-7","userId":"u-7","messageId":"%s","event":"Clicked","name":"Home",
                 "groupId":"g-1","previousId":"old-7","traits":{"plan":"pro"}}""".formatted(id);
        Http.Response r = Http.post(drover.url(path), body, "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        TopicReader.Event e = drover.topic.await(id);
        assertThat(e.text("type")).isEqualTo(type);
        assertThat(e.key()).isEqualTo("u-7");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/v1/batch", "/v1/batch/", "/v1/b", "/v1/import", "/v1/import/"})
    void everyBatchEndpointStoresEachItem(String path) {
        String a = uniqueId();
        String b = uniqueId();
        Http.Response r = Http.post(drover.url(path), """
                {"batch":[{"type":"track","userId":"u-1","event":"A","messageId":"%s"},
                          {"type":"page","anonymousId":"anon-2","name":"Home","messageId":"%s"}]}""".formatted(a, b),
                "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(drover.topic.await(a).text("type")).isEqualTo("track");
        assertThat(drover.topic.await(b).text("type")).isEqualTo("page");
        assertThat(drover.topic.await(b).key()).isEqualTo("anon-2");
    }

    @Test
    void batchLevelContextIntegrationsAndSentAtAreMergedIntoEveryMessage() throws Exception {
        String a = uniqueId();
        String b = uniqueId();
        Http.Response r = Http.post(drover.url("/v1/import/"), """
                {"batch":[
                   {"type":"track","userId":"u-1","event":"A","messageId":"%s","timestamp":"2026-11-28T09:59:58.000Z",
                    "context":{"library":{"name":"mine"}}},
                   {"type":"identify","userId":"u-2","messageId":"%s","traits":{"email":"a@example.com"},
                    "integrations":{"GA4":false},"sentAt":"2026-11-28T12:00:00.000Z"}],
                 "context":{"library":{"name":"analytics-java","version":"3.5.1"},"locale":"en-GB"},
                 "integrations":{"All":false,"GA4":true,"Mixpanel":true},
                 "sentAt":"2026-11-28T10:00:00.000Z"}""".formatted(a, b),
                "Authorization", Http.basic(BACKEND_KEY), "User-Agent", "analytics-java/3.5.1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        TopicReader.Event ea = drover.topic.await(a);
        String ra = ea.text("receivedAt");
        assertThat(ea.value()).isEqualTo(json("""
                {"type":"track","userId":"u-1","event":"A","messageId":"%s",
                 "timestamp":"%s","originalTimestamp":"2026-11-28T09:59:58.000Z","sentAt":"2026-11-28T10:00:00.000Z",
                 "receivedAt":"%s",
                 "context":{"library":{"name":"mine","version":"3.5.1"},"locale":"en-GB","ip":"127.0.0.1",
                            "userAgent":"analytics-java/3.5.1"},
                 "integrations":{"All":false,"GA4":true,"Mixpanel":true}}""".formatted(
                a, millis(Instant.parse(ra).minusMillis(2000).toString()), ra)));
        assertThat(ea.headers()).containsEntry("drover.source", "backend");

        TopicReader.Event eb = drover.topic.await(b);
        String rb = eb.text("receivedAt");
        assertThat(eb.value()).isEqualTo(json("""
                {"type":"identify","userId":"u-2","messageId":"%s","traits":{"email":"a@example.com"},
                 "sentAt":"2026-11-28T12:00:00.000Z","receivedAt":"%s","timestamp":"%s",
                 "context":{"library":{"name":"analytics-java","version":"3.5.1"},"locale":"en-GB","ip":"127.0.0.1",
                            "userAgent":"analytics-java/3.5.1"},
                 "integrations":{"GA4":false,"All":false,"Mixpanel":true}}""".formatted(b, rb, rb)));
    }

    @Test
    void aTimestampWithoutSentAtIsKeptAsIsAndNoTimestampMeansReceivedAt() {
        String a = uniqueId();
        String b = uniqueId();
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + a + "\",\"timestamp\":\"2026-01-02T03:04:05+02:00\"}");
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + b + "\"}");
        TopicReader.Event ea = drover.topic.await(a);
        assertThat(ea.text("timestamp")).isEqualTo("2026-01-02T01:04:05.000Z");
        assertThat(ea.text("originalTimestamp")).isEqualTo("2026-01-02T03:04:05+02:00");
        TopicReader.Event eb = drover.topic.await(b);
        assertThat(eb.text("timestamp")).isEqualTo(eb.text("receivedAt"));
        assertThat(eb.value().has("originalTimestamp")).isFalse();
    }

    @Test
    void nullUserIdWithAnAnonymousIdIsKeyedByTheAnonymousId() {
        String id = uniqueId();
        post("/v1/page", "{\"userId\":null,\"anonymousId\":\"anon-99\",\"messageId\":\"" + id + "\",\"channel\":\"browser\"}");
        TopicReader.Event e = drover.topic.await(id);
        assertThat(e.key()).isEqualTo("anon-99");
        assertThat(e.value().has("userId")).isFalse();
        assertThat(e.text("channel")).isEqualTo("browser");
    }

    @Test
    void numericIdsBecomeStrings() {
        String id = uniqueId();
        post("/v1/identify", "{\"userId\":12345,\"messageId\":\"" + id + "\"}");
        TopicReader.Event e = drover.topic.await(id);
        assertThat(e.value().get("userId").isTextual()).isTrue();
        assertThat(e.key()).isEqualTo("12345");
    }

    @Test
    void aMissingMessageIdIsGenerated() {
        String marker = uniqueId();
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"marker\":\"" + marker + "\"}}");
        org.awaitility.Awaitility.await().until(() -> !drover.topic.where(e -> marker.equals(
                e.value().path("properties").path("marker").asText())).isEmpty());
        TopicReader.Event e = drover.topic.where(ev -> marker.equals(ev.value().path("properties").path("marker").asText())).get(0);
        assertThat(UUID.fromString(e.text("messageId"))).isNotNull();
    }

    @Test
    void aMessageIdSeenBeforeIsStoredOnce() {
        String dup = uniqueId();
        String fresh = uniqueId();
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + dup + "\"}");
        drover.topic.await(dup);
        // A client re-sending the same event, and a batch holding it twice beside a new one.
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + dup + "\"}");
        post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + dup + "\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + fresh + "\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + fresh + "\"}]}");
        drover.topic.await(fresh);
        // Records of one user go to one partition in order: once a later one is read, no earlier duplicate can follow.
        String marker = uniqueId();
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + marker + "\"}");
        drover.topic.await(marker);
        assertThat(drover.topic.find(dup)).hasSize(1);
        assertThat(drover.topic.find(fresh)).hasSize(1);
    }

    @Test
    void clientMetricsAreAnsweredAndCountedButNotStored() {
        long before = drover.server.ingestion().clientMetricsReceived();
        int records = drover.topic.size();
        Http.Response r = Http.post(drover.url("/v1/m"),
                "{\"series\":[{\"type\":\"Counter\",\"metric\":\"analytics_js.invoke.track\",\"value\":1,\"tags\":{}}]}",
                "Content-Type", "text/plain");
        assertThat(r.status()).isEqualTo(200);
        assertThat(drover.server.ingestion().clientMetricsReceived()).isEqualTo(before + 1);
        String marker = uniqueId();
        post("/v1/track", "{\"userId\":\"m\",\"event\":\"E\",\"messageId\":\"" + marker + "\"}");
        drover.topic.await(marker);
        assertThat(drover.topic.where(e -> e.value().has("series"))).isEmpty();
        assertThat(drover.topic.size()).isGreaterThan(records);
    }

    @ParameterizedTest(name = "Content-Type {0}, gzip {1}")
    @CsvSource({
            "application/json, false, false", "application/json; charset=utf-8, false, false",
            "text/plain, false, false", "'', false, false",
            "application/json, true, true", "text/plain, true, true",
            // RudderStack's Node SDK: gzipped JSON labelled as a form, with Content-Encoding.
            "application/x-www-form-urlencoded, true, true",
            "application/x-www-form-urlencoded, false, false",
            // gzip without the Content-Encoding header is recognised by its magic bytes.
            "application/json, true, false"})
    void jsonIsAcceptedUnderTheLabelsRealClientsUse(String contentType, boolean gzip, boolean encodingHeader)
            throws IOException {
        String id = uniqueId();
        byte[] body = ("{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        if (gzip) {
            body = gzip(body);
        }
        java.util.List<String> headers = new java.util.ArrayList<>(java.util.List.of("Authorization", Http.basic(WEB_KEY)));
        if (!contentType.isEmpty()) {
            headers.addAll(java.util.List.of("Content-Type", contentType));
        }
        if (encodingHeader) {
            headers.addAll(java.util.List.of("Content-Encoding", "gzip"));
        }
        Http.Response r = Http.post(drover.url("/v1/batch"), body, headers.toArray(String[]::new));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(drover.topic.await(id).text("event")).isEqualTo("E");
    }

    @Test
    void theWriteKeyMayComeInTheBodyAndIsNeverStored() {
        String a = uniqueId();
        String b = uniqueId();
        assertThat(Http.post(drover.url("/v1/track"), "{\"writeKey\":\"" + WEB_KEY + "\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + a + "\"}")
                .status()).isEqualTo(200);
        assertThat(Http.post(drover.url("/v1/batch"), "{\"writeKey\":\"" + BACKEND_KEY + "\",\"batch\":[{\"type\":\"track\",\"userId\":\"u\","
                + "\"event\":\"E\",\"messageId\":\"" + b + "\",\"writeKey\":\"" + BACKEND_KEY + "\"}]}").status()).isEqualTo(200);
        assertThat(drover.topic.await(a).value().has("writeKey")).isFalse();
        assertThat(drover.topic.await(a).headers()).containsEntry("drover.source", "web");
        assertThat(drover.topic.await(b).value().has("writeKey")).isFalse();
        assertThat(drover.topic.await(b).headers()).containsEntry("drover.source", "backend");
    }

    @Test
    void theClientIpComesFromTheConnectionOrATrustedProxy() throws Exception {
        String direct = uniqueId();
        String proxied = uniqueId();
        String spoofed = uniqueId();
        String own = uniqueId();
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + direct + "\"}");
        // 127.0.0.1 and 10.0.0.0/8 are trusted: the right-most untrusted hop is the client.
        Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + proxied + "\"}",
                "Authorization", Http.basic(WEB_KEY), "X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3");
        // 127.0.0.2 is not trusted: its X-Forwarded-For is ignored.
        Http.Response r = Http.rawPost(InetAddress.getByName("127.0.0.2"), drover.port(), "/v1/track",
                "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + spoofed + "\"}",
                "Authorization", Http.basic(WEB_KEY), "X-Forwarded-For", "203.0.113.9");
        assertThat(r.status()).isEqualTo(200);
        // A server-side library that knows the end user's address sends it: it is kept.
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + own + "\",\"context\":{\"ip\":\"192.0.2.44\"}}");

        assertThat(drover.topic.await(direct).value().at("/context/ip").asText()).isEqualTo("127.0.0.1");
        assertThat(drover.topic.await(proxied).value().at("/context/ip").asText()).isEqualTo("203.0.113.7");
        assertThat(drover.topic.await(spoofed).value().at("/context/ip").asText()).isEqualTo("127.0.0.2");
        assertThat(drover.topic.await(own).value().at("/context/ip").asText()).isEqualTo("192.0.2.44");
    }

    @Test
    void aUserAgentSentInTheContextWinsOverTheHeader() {
        String id = uniqueId();
        Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id
                + "\",\"context\":{\"userAgent\":\"Mozilla/5.0 (device)\"}}", "Authorization", Http.basic(WEB_KEY),
                "User-Agent", "server-lib/1.0");
        assertThat(drover.topic.await(id).value().at("/context/userAgent").asText()).isEqualTo("Mozilla/5.0 (device)");
    }

    @Test
    void unicodeIsKeptIntactRawOrEscaped() {
        String id = uniqueId();
        // A character outside the BMP as UTF-8 bytes and as an escaped surrogate pair (a lone one is refused:
        // BadInputTest).
        post("/v1/track", "{\"userId\":\"u\",\"event\":\"Café 🚀 \\ud83d\\ude80\",\"messageId\":\"" + id + "\"}");
        assertThat(drover.topic.await(id).text("event")).isEqualTo("Café 🚀 🚀");
    }

    private void post(String path, String body) {
        Http.Response r = Http.post(drover.url(path), body, "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String uniqueId() {
        return "test-" + UUID.randomUUID();
    }

    private static JsonNode json(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    /** Instant.toString drops zero millis; Drover always writes three digits. */
    private static String millis(String instant) {
        Instant i = Instant.parse(instant);
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(i);
    }

    static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        }
        return out.toByteArray();
    }

}
