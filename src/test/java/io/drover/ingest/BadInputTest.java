package io.drover.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input gets the status Segment uses and a JSON body that names the problem; nothing of it is
 * stored, and the server answers the next good request.
 */
class BadInputTest {

    private final TestDrover drover = TestDrover.shared();

    record Case(String path, byte[] body, String[] headers) {
    }

    static Stream<Arguments> badInputs() throws IOException {
        return Stream.of(
                bad("malformed JSON", "/v1/track", "{\"userId\":\"u\",\"event\":", 400, "invalid_json", "not valid JSON"),
                bad("a real form", "/v1/track", "a=1&b=2", 415, "unsupported_media_type", "form data",
                        "Content-Type", "application/x-www-form-urlencoded"),
                bad("form fields with header-like names", "/v1/track", "Content-Type%3A=x&CamelHttpUri=http://evil", 415,
                        "unsupported_media_type", "form data", "Content-Type", "application/x-www-form-urlencoded"),
                bad("binary", "/v1/batch", new byte[] {0, 1, 2, 3, (byte) 0xfe}, 400, "invalid_unicode", "not valid UTF-8"),
                bad("invalid UTF-8", "/v1/track", concat("{\"userId\":\"u\",\"event\":\"", new byte[] {(byte) 0xc3, (byte) 0x28},
                        "\"}"), 400, "invalid_unicode", "UTF-8"),
                bad("overlong UTF-8 (a '/' in two bytes)", "/v1/track", concat("{\"userId\":\"u\",\"event\":\"",
                        new byte[] {(byte) 0xc0, (byte) 0xaf}, "\"}"), 400, "invalid_unicode", "UTF-8"),
                bad("a surrogate encoded in UTF-8", "/v1/track", concat("{\"userId\":\"u\",\"event\":\"",
                        new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\"}"), 400, "invalid_unicode", "UTF-8"),
                bad("a code point past U+10FFFF", "/v1/track", concat("{\"userId\":\"u\",\"event\":\"",
                        new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, "\"}"), 400, "invalid_unicode", "UTF-8"),
                bad("a lone high surrogate escape", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"x\":\"\\ud800\"}}",
                        400, "invalid_unicode", "unpaired surrogate"),
                bad("a lone low surrogate escape", "/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"\\udc00\",\"event\":\"E\"}]}",
                        400, "invalid_unicode", "unpaired surrogate"),
                bad("a high surrogate escape followed by a letter", "/v1/track",
                        "{\"userId\":\"u\",\"event\":\"\\ud83dA\"}", 400, "invalid_unicode", "unpaired surrogate"),
                bad("a number beyond a double", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"revenue\":1e309}}",
                        400, "invalid_number", "'properties.revenue'"),
                bad("a negative number beyond a double, in a batch", "/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\","
                        + "\"event\":\"E\",\"properties\":{\"products\":[{\"price\":-2e308}]}}]}", 400, "invalid_number",
                        "batch[0]: 'properties.products[0].price'"),
                bad("a number beyond a double in the batch context", "/v1/batch", "{\"context\":{\"x\":1e400},\"batch\":"
                        + "[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}", 400, "invalid_number", "'context.x'"),
                bad("a sentAt in the year 999,999,999", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\","
                        + "\"originalTimestamp\":\"2026-01-01T00:00:00Z\",\"sentAt\":\"+999999999-12-31T23:59:59Z\"}", 400,
                        "invalid_timestamp", "'sentAt' must be between the years 0001 and 9999"),
                bad("an originalTimestamp in the year -999,999,999", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\","
                        + "\"originalTimestamp\":\"-999999999-01-01T00:00:00Z\"}", 400, "invalid_timestamp", "'originalTimestamp'"),
                bad("a timestamp in the year 10000", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\","
                        + "\"timestamp\":\"+10000-01-01T00:00:00Z\"}", 400, "invalid_timestamp", "'timestamp'"),
                bad("a skew that corrects beyond the year 0001", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\","
                        + "\"originalTimestamp\":\"0001-01-01T00:00:00Z\",\"sentAt\":\"9999-12-31T00:00:00Z\"}", 400,
                        "invalid_timestamp", "clock skew"),
                bad("JSON nested 10,000 deep", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"a\":"
                        + "[".repeat(10_000) + "]".repeat(10_000) + "}}", 400, "invalid_json", "nested deeper"),
                bad("a 10 MB body", "/v1/batch", "{\"batch\":[" + "1".repeat(10 * 1024 * 1024) + "]}", 413, "body_too_large",
                        "at most 512000 bytes"),
                bad("a request line of 10 KB (answered below Drover's handler)", "/v1/track?q=" + "q".repeat(10 * 1024),
                        "{\"userId\":\"u\",\"event\":\"E\"}", 414, "uri_too_long", "request line"),
                bad("20 KB of headers (answered below Drover's handler)", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}",
                        431, "headers_too_large", "headers", "X-Big", "b".repeat(20 * 1024)),
                bad("a message of 33 KB", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"big\":\""
                        + "x".repeat(33 * 1024) + "\"}}", 413, "message_too_large", "at most 32768 bytes"),
                bad("a batch item of 33 KB", "/v1/batch", "{\"batch\":["
                        + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"big\":\"" + "x".repeat(33 * 1024)
                        + "\"}}]}", 413, "message_too_large", "batch[0]"),
                bad("a batch of 2,501", "/v1/batch", "{\"batch\":[" + String.join(",",
                        java.util.Collections.nCopies(2501, "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}")) + "]}",
                        400, "batch_too_large", "at most 2500 messages"),
                bad("a gzip bomb", "/v1/batch", gzip(("{\"batch\":[\"" + " ".repeat(20 * 1024 * 1024) + "\"]}")
                        .getBytes(StandardCharsets.UTF_8)), 413, "body_too_large", "inflates", "Content-Encoding", "gzip"),
                bad("broken gzip", "/v1/track", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}, 400, "invalid_gzip", "gzip",
                        "Content-Encoding", "gzip"),
                bad("an unknown encoding", "/v1/track", "{}", 415, "unsupported_encoding", "br", "Content-Encoding", "br"),
                bad("an unknown content type", "/v1/track", "<xml/>", 415, "unsupported_media_type", "application/xml",
                        "Content-Type", "application/xml"),
                bad("an unknown type in a batch", "/v1/batch", "{\"batch\":[{\"type\":\"purchase\",\"userId\":\"u\"}]}", 400,
                        "invalid_type", "unknown type 'purchase'"),
                bad("a batch item without type", "/v1/batch", "{\"batch\":[{\"userId\":\"u\",\"event\":\"E\"}]}", 400,
                        "missing_type", "batch[0]: 'type' is required"),
                bad("missing ids", "/v1/track", "{\"event\":\"E\"}", 400, "missing_id", "'userId' or 'anonymousId'"),
                bad("empty ids", "/v1/identify", "{\"userId\":\"\",\"anonymousId\":null}", 400, "missing_id", "'userId' or 'anonymousId'"),
                bad("a track without event", "/v1/track", "{\"userId\":\"u\"}", 400, "missing_event", "'event'"),
                bad("an alias without previousId", "/v1/alias", "{\"userId\":\"u\"}", 400, "missing_previous_id", "previousId"),
                bad("a group without groupId", "/v1/group", "{\"userId\":\"u\"}", 400, "missing_group_id", "groupId"),
                bad("properties as a string", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":\"oops\"}", 400,
                        "invalid_field", "'properties' must be an object, not a string"),
                bad("traits as an array", "/v1/identify", "{\"userId\":\"u\",\"traits\":[1]}", 400, "invalid_field",
                        "'traits' must be an object, not an array"),
                bad("a userId object", "/v1/identify", "{\"userId\":{\"id\":1}}", 400, "invalid_field", "'userId' must be a string"),
                bad("an event number", "/v1/track", "{\"userId\":\"u\",\"event\":42}", 400, "invalid_field", "'event' must be a string"),
                bad("a bad timestamp", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"yesterday\"}", 400,
                        "invalid_timestamp", "ISO-8601"),
                bad("a sentAt out of range with no time to correct (found by HostileInputTest)", "/v1/track",
                        "{\"userId\":\"u\",\"event\":\"E\",\"sentAt\":\"+746156305-01-01T00:00:00Z\"}", 400,
                        "invalid_timestamp", "'sentAt'"),
                bad("a bad sentAt", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"sentAt\":\"soon\"}",
                        400, "invalid_timestamp", "'sentAt'"),
                bad("a body that is an array", "/v1/track", "[{\"userId\":\"u\"}]", 400, "invalid_json", "JSON object"),
                bad("an empty body", "/v1/track", "", 400, "invalid_json", "empty"),
                bad("a batch that is not an array", "/v1/batch", "{\"batch\":{\"type\":\"track\"}}", 400, "invalid_batch", "array"),
                bad("a batch without batch", "/v1/batch", "{\"writeKey\":\"x\"}", 400, "invalid_batch", "no 'batch'"),
                bad("a batch item that is not an object", "/v1/batch", "{\"batch\":[42]}", 400, "invalid_message", "batch[0]"),
                bad("trailing garbage", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\"} {}", 400, "invalid_json", "after the JSON"),
                bad("an unknown path", "/v1/purchase", "{}", 404, "not_found", "/v1/purchase"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void isRefusedWithAClearError(String name, Case c, int status, String code, String detail) {
        int before = drover.topic.size();
        String[] headers = Stream.concat(Stream.of("Authorization", Http.basic(WEB_KEY)), Arrays.stream(c.headers()))
                .toArray(String[]::new);
        Http.Response r = Http.post(drover.url(c.path()), c.body(), headers);

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).contains(detail);
        assertThat(drover.topic.size()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void otherMethodsAreRefused(String method) {
        Http.Response r = Http.send(method, drover.url("/v1/track"), null, "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("POST, OPTIONS");
        assertThat(r.json().get("code").asText()).isEqualTo("method_not_allowed");
    }

    static Stream<String> methods() {
        return Stream.of("GET", "PUT", "DELETE", "PATCH");
    }

    /** A chunked upload (or HTTP/2 without content-length) declares no length: read with the same limits, not a 500. */
    @Test
    void aBodyWithoutContentLengthIsReadWithTheSameLimits() throws Exception {
        String id = IngestApiTest.uniqueId();
        HttpResponse<String> ok = chunked("/v1/track", "{\"userId\":\"u\",\"event\":\"Chunked\",\"messageId\":\"" + id + "\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(drover.topic.await(id).text("event")).isEqualTo("Chunked");

        HttpResponse<String> big = chunked("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"big\":\""
                + "x".repeat(33 * 1024) + "\"}}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("\"code\":\"message_too_large\"");
    }

    private HttpResponse<String> chunked(String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(drover.url(path)))
                .header("Authorization", Http.basic(WEB_KEY)).header("Content-Type", "application/json")
                // A publisher of unknown length: the client sends Transfer-Encoding: chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Answers produced below Drover's handler have the same JSON shape as its own. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /nothing", "POST, /v2/track", "GET, /drover.jsx", "DELETE, /"})
    void pathsOutsideTheApiGetAJsonNotFound(String method, String path) {
        Http.Response r = Http.send(method, drover.url(path), null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.json().get("code").asText()).isEqualTo("not_found");
        assertThat(r.json().get("success").asBoolean()).isFalse();
    }

    /** After each bad request, a good one is still accepted and stored. */
    @AfterEach
    void theServerStillAnswersTheNextGoodRequest() {
        String id = IngestApiTest.uniqueId();
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(200);
        drover.topic.await(id);
    }

    private static Arguments bad(String name, String path, String body, int status, String code, String detail,
                                 String... headers) {
        return bad(name, path, body.getBytes(StandardCharsets.UTF_8), status, code, detail, headers);
    }

    private static Arguments bad(String name, String path, byte[] body, int status, String code, String detail,
                                 String... headers) {
        return Arguments.of(name, new Case(path, body, headers), status, code, detail);
    }

    private static byte[] concat(String a, byte[] b, String c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(b);
        out.writeBytes(c.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        }
        return out.toByteArray();
    }
}
