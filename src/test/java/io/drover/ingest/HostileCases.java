package io.drover.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;

/**
 * Hostile requests generated from a seed, by class: each with the answer Drover must give (status and error code,
 * or for a batch with invalid items the indexes it must name). The expected answer follows from how the case is
 * built (a truncated body is invalid JSON, a byte sequence UTF-8 forbids is invalid Unicode...), never from running
 * Drover. Every message a case carries has a messageId starting with {@code hostile-}, so that the suite can check
 * none of them reaches a vendor unless its answer said it was stored.
 */
final class HostileCases {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MARK = "@@X@@";

    /** One request and its expected answer; {@code stored} are the messageIds the answer must say were stored. */
    record Case(String family, String name, String method, String path, byte[] body, List<String> headers, int status,
                String code, Set<Integer> rejected, List<String> stored) {
        @Override
        public String toString() {
            return family + ": " + name;
        }
    }

    private final Random random;
    private final List<Case> cases = new ArrayList<>();
    private int ids;

    private HostileCases(long seed) {
        this.random = new Random(seed);
    }

    static List<Case> generate(long seed) {
        HostileCases g = new HostileCases(seed);
        g.truncatedJson(60);
        g.invalidUtf8(60);
        g.loneSurrogates(40);
        g.numbersBeyondADouble(40);
        g.timestampsOutOfRange(40);
        g.wrongTypesAndMissingFields(60);
        g.sizes(40);
        g.writeKeys(40);
        g.mediaTypesAndEncodings(40);
        g.methodsAndPaths(50);
        g.origins(40);
        g.preflights(30);
        g.requestLinesAndHeaders(20);
        g.batchesWithInvalidItems(40);
        g.batchContextsThatMultiply(10);
        return g.cases;
    }

    // --- The classes of hostile input ---------------------------------------------------------------------------

    private void truncatedJson(int n) {
        for (int i = 0; i < n; i++) {
            Base b = base();
            String json = b.message().toString();
            int cut = 1 + random.nextInt(json.length() - 2);
            add("truncated JSON", b.path() + " cut at " + cut + " of " + json.length(), b.path(), json.substring(0, cut),
                    400, "invalid_json");
        }
    }

    private static final int[][] INVALID_UTF8 = {
            {0xc0, 0xaf}, {0xc1, 0xbf}, {0xe0, 0x80, 0xaf}, {0xf0, 0x80, 0x80, 0xaf}, {0xed, 0xa0, 0x80}, {0xed, 0xbf, 0xbf},
            {0xf4, 0x90, 0x80, 0x80}, {0xf8, 0x88, 0x80, 0x80, 0x80}, {0x80}, {0xbf}, {0xc3}, {0xe2, 0x82}, {0xff}, {0xfe},
            {0xf0, 0x8f, 0xbf, 0xbf}, {0xc3, 0x28}};

    private void invalidUtf8(int n) {
        for (int i = 0; i < n; i++) {
            Base b = base();
            String field = b.textField(random);
            int[] seq = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
            byte[] bad = new byte[seq.length];
            for (int k = 0; k < seq.length; k++) {
                bad[k] = (byte) seq[k];
            }
            set(b.target(), field, JSON.getNodeFactory().textNode("a" + MARK + "b"));
            add("invalid UTF-8", b.path() + " " + field + " holds " + hex(bad), b.path(), replace(b.message().toString(), bad),
                    400, "invalid_unicode");
        }
    }

    private void loneSurrogates(int n) {
        for (int i = 0; i < n; i++) {
            Base b = single();
            String field = b.textField(random);
            String escape = switch (random.nextInt(3)) {
                case 0 -> String.format("\\u%04x", 0xd800 + random.nextInt(0x400));
                case 1 -> String.format("\\u%04x", 0xdc00 + random.nextInt(0x400));
                default -> String.format("\\u%04x\\u%04x", 0xd800 + random.nextInt(0x400), 0x41 + random.nextInt(26));
            };
            set(b.target(), field, JSON.getNodeFactory().textNode(MARK));
            add("lone surrogate", b.path() + " " + field + " = " + escape, b.path(),
                    b.message().toString().replace(MARK, escape), 400, "invalid_unicode");
        }
    }

    private static final String[] HUGE_NUMBERS = {"1e309", "-1e309", "2e308", "1.8e308", "9e9999", "-4e400", "1E+999",
            "123456789e400"};

    private void numbersBeyondADouble(int n) {
        String[] fields = {"properties.revenue", "properties.value", "properties.products[0].price", "traits.age",
                "context.screen.width", "properties.deep.er.x"};
        for (int i = 0; i < n; i++) {
            // One message: in a batch, the item alone would be refused (a batch stores its valid items).
            Base b = single();
            String field = fields[random.nextInt(fields.length)];
            String number = HUGE_NUMBERS[random.nextInt(HUGE_NUMBERS.length)];
            set(b.target(), field, JSON.getNodeFactory().textNode(MARK));
            add("number beyond a double", b.path() + " " + field + " = " + number, b.path(),
                    b.message().toString().replace("\"" + MARK + "\"", number), 400, "invalid_number");
        }
    }

    private void timestampsOutOfRange(int n) {
        String[] fields = {"timestamp", "originalTimestamp", "sentAt"};
        for (int i = 0; i < n; i++) {
            Base b = single();
            String field = fields[random.nextInt(fields.length)];
            String value = switch (random.nextInt(4)) {
                case 0 -> "+" + (10_000 + random.nextInt(999_989_999)) + "-01-01T00:00:00Z";
                case 1 -> "-" + (1 + random.nextInt(999_999_998)) + "-06-30T12:00:00Z";
                case 2 -> "0000-12-31T23:59:59Z";
                default -> List.of("yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "12:00", "1e9", "2026-01-01T25:00:00Z")
                        .get(random.nextInt(6));
            };
            b.target().put(field, value);
            add("timestamp out of range", b.path() + " " + field + " = " + value, b.path(), b.message().toString(), 400,
                    "invalid_timestamp");
        }
    }

    private void wrongTypesAndMissingFields(int n) {
        for (int i = 0; i < n; i++) {
            ObjectNode m = JSON.createObjectNode();
            String path;
            String code;
            String name;
            switch (random.nextInt(8)) {
                case 0 -> {
                    path = "/v1/track";
                    m.put("userId", "u" + i);
                    if (random.nextBoolean()) {
                        m.put("event", "");
                    }
                    code = "missing_event";
                    name = "a track without an event";
                }
                case 1 -> {
                    path = List.of("/v1/track", "/v1/identify", "/v1/page", "/v1/screen").get(random.nextInt(4));
                    m.put("event", "E");
                    if (random.nextBoolean()) {
                        m.put("userId", "");
                    }
                    code = "missing_id";
                    name = "no userId or anonymousId on " + path;
                }
                case 2 -> {
                    path = "/v1/alias";
                    m.put("userId", "u" + i);
                    code = "missing_previous_id";
                    name = "an alias without previousId";
                }
                case 3 -> {
                    path = "/v1/group";
                    m.put("userId", "u" + i);
                    code = "missing_group_id";
                    name = "a group without groupId";
                }
                case 4 -> {
                    path = "/v1/track";
                    m.put("event", "E");
                    String kind = List.of("object", "array", "true", "1.5").get(random.nextInt(4));
                    switch (kind) {
                        case "object" -> m.putObject("userId").put("$ne", "");
                        case "array" -> m.putArray("userId").add("u");
                        case "true" -> m.put("userId", true);
                        default -> m.put("userId", 1.5);
                    }
                    code = "invalid_field";
                    name = "a userId that is " + kind;
                }
                case 5 -> {
                    path = "/v1/track";
                    m.put("userId", "u" + i);
                    if (random.nextBoolean()) {
                        m.put("event", 42);
                    } else {
                        m.putObject("event").put("name", "E");
                    }
                    code = "invalid_field";
                    name = "an event name that is not text";
                }
                case 6 -> {
                    path = "/v1/identify";
                    m.put("userId", "u" + i);
                    String field = List.of("traits", "context", "integrations", "properties").get(random.nextInt(4));
                    if (random.nextBoolean()) {
                        m.putArray(field).add(1);
                    } else {
                        m.put(field, "oops");
                    }
                    code = "invalid_field";
                    name = "'" + field + "' that is not an object";
                }
                default -> {
                    path = "/v1/page";
                    m.put("anonymousId", "a" + i);
                    m.putArray("name").add("Home");
                    code = "invalid_field";
                    name = "a page name that is an array";
                }
            }
            m.put("messageId", nextId());
            add("wrong type or missing field", name, path, m.toString(), 400, code);
        }
    }

    private void sizes(int n) {
        for (int i = 0; i < n; i++) {
            switch (i % 4) {
                case 0 -> {
                    int kb = 33 + random.nextInt(90);
                    ObjectNode m = track();
                    m.withObject("properties").put("blob", "x".repeat(kb * 1024));
                    add("size", "a message of " + kb + " KB", "/v1/track", m.toString(), 413, "message_too_large");
                }
                case 1 -> {
                    int kb = 501 + random.nextInt(1000);
                    ObjectNode batch = JSON.createObjectNode();
                    ArrayNode items = batch.putArray("batch");
                    while (batch.toString().length() < kb * 1024) {
                        ObjectNode m = track();
                        m.withObject("properties").put("blob", "y".repeat(16 * 1024));
                        items.add(m);
                    }
                    add("size", "a batch of " + kb + " KB", "/v1/batch", batch.toString(), 413, "body_too_large");
                }
                case 2 -> {
                    int count = 2501 + random.nextInt(500);
                    StringBuilder b = new StringBuilder("{\"batch\":[");
                    for (int k = 0; k < count; k++) {
                        b.append(k == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}");
                    }
                    add("size", "a batch of " + count + " messages", "/v1/batch", b.append("]}").toString(), 400,
                            "batch_too_large");
                }
                default -> {
                    int depth = 70 + random.nextInt(3000);
                    String open = random.nextBoolean() ? "[" : "{\"a\":";
                    String close = open.equals("[") ? "]" : "}";
                    add("size", "JSON nested " + depth + " deep", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\","
                            + "\"properties\":{\"n\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}}", 400,
                            "invalid_json");
                }
            }
        }
    }

    private void writeKeys(int n) {
        for (int i = 0; i < n; i++) {
            ObjectNode m = track();
            List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
            String name;
            switch (i % 6) {
                case 0 -> name = "no write key at all";
                case 1 -> {
                    String key = "wk_" + Long.toHexString(random.nextLong());
                    headers.addAll(List.of("Authorization", Http.basic(key)));
                    name = "an unknown write key";
                }
                case 2 -> {
                    headers.addAll(List.of("Authorization", "Basic !!!" + Long.toHexString(random.nextLong())));
                    name = "Basic credentials that are not base64";
                }
                case 3 -> {
                    headers.addAll(List.of("Authorization", "Bearer " + TestDrover.BACKEND_KEY));
                    name = "a Bearer scheme";
                }
                case 4 -> {
                    headers.addAll(List.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(":".getBytes())));
                    name = "an empty Basic user name";
                }
                default -> {
                    m.put("writeKey", TestDrover.BACKEND_KEY.substring(0, TestDrover.BACKEND_KEY.length() - 1)
                            + (char) ('a' + random.nextInt(26)));
                    name = "a near-miss write key in the body";
                }
            }
            cases.add(new Case("write keys", name, "POST", "/v1/track", bytes(m.toString()), headers, 401, "unauthorized",
                    null, List.of()));
        }
    }

    private void mediaTypesAndEncodings(int n) {
        String[] types = {"application/xml", "text/html", "multipart/form-data; boundary=x", "image/png",
                "application/octet-stream", "text/csv", "application/javascript", "application/jsonx", "text/json5"};
        String[] encodings = {"br", "deflate", "compress", "zstd", "gzip, br", "x-gzip", "gzip;q=1", "base64"};
        for (int i = 0; i < n; i++) {
            String body = track().toString();
            switch (i % 3) {
                case 0 -> {
                    String type = types[random.nextInt(types.length)];
                    cases.add(new Case("media types and encodings", "Content-Type " + type, "POST", "/v1/track", bytes(body),
                            List.of("Content-Type", type, "Authorization", Http.basic(TestDrover.BACKEND_KEY)), 415,
                            "unsupported_media_type", null, List.of()));
                }
                case 1 -> {
                    String encoding = encodings[random.nextInt(encodings.length)];
                    cases.add(new Case("media types and encodings", "Content-Encoding " + encoding, "POST", "/v1/track",
                            bytes(body), List.of("Content-Type", "application/json", "Content-Encoding", encoding,
                            "Authorization", Http.basic(TestDrover.BACKEND_KEY)), 415, "unsupported_encoding", null, List.of()));
                }
                default -> {
                    byte[] gz = gzip(bytes(body));
                    // A real gzip stream, cut or with its middle overwritten.
                    int cut = 10 + random.nextInt(gz.length - 20);
                    byte[] broken = java.util.Arrays.copyOf(gz, random.nextBoolean() ? cut : gz.length);
                    if (broken.length == gz.length) {
                        for (int k = 10; k < broken.length - 8; k++) {
                            broken[k] = (byte) random.nextInt(256);
                        }
                    }
                    cases.add(new Case("media types and encodings", "a gzip body of " + broken.length + " of " + gz.length
                            + " bytes, broken", "POST", "/v1/track", broken, List.of("Content-Type", "application/json",
                            "Content-Encoding", "gzip", "Authorization", Http.basic(TestDrover.BACKEND_KEY)), 400,
                            "invalid_gzip", null, List.of()));
                }
            }
        }
    }

    private void methodsAndPaths(int n) {
        String[] methods = {"GET", "PUT", "DELETE", "PATCH"};
        String[] endpoints = {"/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias", "/v1/batch"};
        String[] paths = {"/v1/nope", "/v2/track", "/v1/track/x", "/v1/", "/admin/integrations", "/observe/metrics",
                "/v1/%2e%2e/admin", "/%2e%2e/%2e%2e/etc/passwd", "/index.php", "/.env", "/v1/TRACK", "/v1/track.json",
                "/console", "/v1//track", "/wp-login.php"};
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                String method = methods[random.nextInt(methods.length)];
                String path = endpoints[random.nextInt(endpoints.length)];
                cases.add(new Case("methods and paths", method + " " + path, method, path, bytes(track().toString()),
                        List.of("Content-Type", "application/json", "Authorization", Http.basic(TestDrover.BACKEND_KEY)),
                        405, "method_not_allowed", null, List.of()));
            } else {
                String path = paths[random.nextInt(paths.length)];
                String method = random.nextBoolean() ? "POST" : "GET";
                cases.add(new Case("methods and paths", method + " " + path, method, path, bytes(track().toString()),
                        List.of("Content-Type", "application/json", "Authorization", Http.basic(TestDrover.BACKEND_KEY)),
                        404, "not_found", null, List.of()));
            }
        }
    }

    private void origins(int n) {
        String[] foreign = {"https://evil.example", "https://shop.example.evil.example", "https://evilshop.example",
                "http://shop.example", "https://shop.example:8443", "null", "https://xn--shop-9oa.example",
                "https://a.b.shop.example.attacker.example", "https://shop.examplE.co"};
        for (int i = 0; i < n; i++) {
            boolean server = i % 3 == 0;
            String origin = server ? TestDrover.WEB_ORIGIN : foreign[random.nextInt(foreign.length)];
            String key = server ? TestDrover.BACKEND_KEY : TestDrover.WEB_KEY;
            cases.add(new Case("origins", (server ? "the server-side source, from " : "the web source, from ") + origin,
                    "POST", "/v1/track", bytes(track().toString()), List.of("Content-Type", "application/json", "Origin",
                    origin, "Authorization", Http.basic(key)), 403, "origin_not_allowed", null, List.of()));
        }
    }

    private void preflights(int n) {
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                // (A foreign origin's pre-flight is granted here: a source of the test Drover allows '*', and a
                // pre-flight carries no write key. AuthAndCorsTest and BufferUnavailableTest refuse them.)
                cases.add(new Case("pre-flights", "without an Origin", "OPTIONS", "/v1/track", null,
                        List.of("Access-Control-Request-Method", "POST"), 403, "origin_not_allowed", null, List.of()));
            } else {
                String requested = switch (random.nextInt(4)) {
                    case 0 -> "content-type, x y";
                    case 1 -> "a:b";
                    case 2 -> String.join(",", java.util.Collections.nCopies(33 + random.nextInt(20), "x-h"));
                    default -> "x-" + "h".repeat(1100);
                };
                cases.add(new Case("pre-flights", "asking for headers '" + clip(requested) + "'", "OPTIONS", "/v1/track",
                        null, List.of("Origin", TestDrover.WEB_ORIGIN, "Access-Control-Request-Method", "POST",
                        "Access-Control-Request-Headers", requested), 403, "headers_not_allowed", null, List.of()));
            }
        }
    }

    private void requestLinesAndHeaders(int n) {
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                int kb = 5 + random.nextInt(40);
                cases.add(new Case("request lines and headers", "a request line of " + kb + " KB", "POST",
                        "/v1/track?q=" + "q".repeat(kb * 1024), bytes(track().toString()),
                        List.of("Content-Type", "application/json", "Authorization", Http.basic(TestDrover.BACKEND_KEY)),
                        414, "uri_too_long", null, List.of()));
            } else {
                int kb = 9 + random.nextInt(50);
                cases.add(new Case("request lines and headers", kb + " KB of headers", "POST", "/v1/track",
                        bytes(track().toString()), List.of("Content-Type", "application/json", "Authorization",
                        Http.basic(TestDrover.BACKEND_KEY), "X-Big", "b".repeat(kb * 1024)), 431, "headers_too_large",
                        null, List.of()));
            }
        }
    }

    private void batchesWithInvalidItems(int n) {
        for (int i = 0; i < n; i++) {
            int size = 5 + random.nextInt(36);
            Set<Integer> invalid = new TreeSet<>();
            int bad = 1 + random.nextInt(4);
            while (invalid.size() < bad) {
                invalid.add(random.nextInt(size));
            }
            ObjectNode batch = JSON.createObjectNode();
            ArrayNode items = batch.putArray("batch");
            List<String> stored = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                ObjectNode m = track();
                m.put("type", "track");
                if (invalid.contains(k)) {
                    switch (random.nextInt(5)) {
                        case 0 -> m.remove("event");
                        case 1 -> m.remove("userId");
                        case 2 -> m.put("type", "purchase");
                        case 3 -> m.put("timestamp", "+10000-01-01T00:00:00Z");
                        default -> m.put("properties", "oops");
                    }
                } else {
                    stored.add(m.get("messageId").asText());
                }
                items.add(m);
            }
            cases.add(new Case("batches with invalid items", size + " messages, invalid at " + invalid, "POST",
                    "/v1/batch", bytes(batch.toString()), List.of("Content-Type", "application/json", "Authorization",
                    Http.basic(TestDrover.BACKEND_KEY)), 200, null, invalid, stored));
        }
    }

    private void batchContextsThatMultiply(int n) {
        for (int i = 0; i < n; i++) {
            int count = 1600 + random.nextInt(800);
            int contextKb = 3 + random.nextInt(5);
            StringBuilder b = new StringBuilder("{\"context\":{\"pad\":\"" + "c".repeat(contextKb * 1024) + "\"},\"batch\":[");
            for (int k = 0; k < count; k++) {
                b.append(k == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"")
                        .append(nextId()).append("\"}");
            }
            add("batch contexts that multiply", count + " messages with a " + contextKb + " KB batch context", "/v1/batch",
                    b.append("]}").toString(), 413, "stored_too_large");
        }
    }

    // --- Building blocks ------------------------------------------------------------------------------------------

    /** A valid message (or batch of them) to spoil, and where its first message is. */
    private record Base(String path, ObjectNode message, ObjectNode target) {
        String textField(Random random) {
            List<String> fields = path.equals("/v1/batch")
                    ? List.of("userId", "event", "properties.currency", "context.page.url")
                    : List.of("userId", "event", "properties.currency", "context.page.url", "properties.products[0].name",
                    "context.userAgent");
            return fields.get(random.nextInt(fields.size()));
        }
    }

    private Base base() {
        if (random.nextInt(4) == 0) {
            ObjectNode batch = JSON.createObjectNode();
            ArrayNode items = batch.putArray("batch");
            ObjectNode first = track().put("type", "track");
            items.add(first);
            items.add(track().put("type", "track"));
            return new Base("/v1/batch", batch, first);
        }
        return single();
    }

    private Base single() {
        ObjectNode m = track();
        return new Base("/v1/track", m, m);
    }

    private ObjectNode track() {
        ObjectNode m = JSON.createObjectNode();
        m.put("userId", "user-" + random.nextInt(1_000_000));
        m.put("event", "Order Completed");
        m.put("messageId", nextId());
        ObjectNode p = m.putObject("properties");
        p.put("revenue", 12.5).put("currency", "EUR");
        p.putArray("products").addObject().put("name", "Tea").put("price", 10).put("quantity", 1);
        m.putObject("context").putObject("page").put("url", "https://shop.example/p");
        return m;
    }

    private String nextId() {
        return "hostile-" + (ids++);
    }

    /** Sets a dotted path such as {@code properties.products[0].name}, creating what is missing. */
    private static void set(ObjectNode root, String path, com.fasterxml.jackson.databind.JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.endsWith("[0]")) {
                String name = part.substring(0, part.length() - 3);
                ArrayNode array = at.get(name) instanceof ArrayNode a ? a : at.putArray(name);
                if (array.isEmpty()) {
                    array.addObject();
                }
                at = (ObjectNode) array.get(0);
                continue;
            }
            if (last) {
                at.set(part, value);
            } else {
                at = at.get(part) instanceof ObjectNode o ? o : at.putObject(part);
            }
        }
    }

    private void add(String family, String name, String path, String body, int status, String code) {
        add(family, name, path, bytes(body), status, code);
    }

    private void add(String family, String name, String path, byte[] body, int status, String code) {
        cases.add(new Case(family, name, "POST", path, body, List.of("Content-Type", "application/json",
                "Authorization", Http.basic(TestDrover.BACKEND_KEY)), status, code, null, List.of()));
    }

    private static byte[] replace(String json, byte[] with) {
        int at = json.indexOf(MARK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(json.substring(0, at)));
        out.writeBytes(with);
        out.writeBytes(bytes(json.substring(at + MARK.length())));
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x", x & 0xff));
        }
        return b.toString();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
