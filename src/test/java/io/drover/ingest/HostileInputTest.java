package io.drover.ingest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input suite: several hundred requests generated from a seed across every class of bad input
 * ({@link HostileCases}), each followed by a good request. Each hostile request gets its expected status and a JSON
 * error body naming the problem; the good request after it is answered 200; at the end every acknowledged event
 * (the good ones, and the valid items of batches that had invalid ones) reaches the vendor stand-in, and no message
 * of a refused request does. Figures go to {@code target/hostile-input.txt}. Another seed:
 * {@code -Ddrover.test.hostile-seed=N}.
 */
class HostileInputTest {

    private static final long SEED = Long.getLong("drover.test.hostile-seed", 20261201L);
    private final TestDrover drover = TestDrover.shared();
    private final Set<String> acknowledged = new HashSet<>();
    private final Set<String> refused = new HashSet<>();
    private final Map<String, int[]> byFamily = new TreeMap<>();
    private final Map<Integer, Integer> byStatus = new TreeMap<>();
    private long started;

    @TestFactory
    Stream<DynamicTest> everyHostileRequestIsAnsweredAndNoAcknowledgedEventIsLost() {
        List<HostileCases.Case> cases = HostileCases.generate(SEED);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(500);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("start the clock", () -> started = System.nanoTime()));
        int n = 0;
        for (HostileCases.Case c : cases) {
            int index = n++;
            tests.add(DynamicTest.dynamicTest(index + " " + c, () -> run(c, index)));
        }
        tests.add(DynamicTest.dynamicTest("every acknowledged event is delivered, no refused one is", this::delivered));
        return tests.stream();
    }

    private void run(HostileCases.Case c, int index) {
        Http.Response r = Http.send(c.method(), drover.url(c.path()), c.body(), c.headers().toArray(String[]::new));
        byStatus.merge(r.status(), 1, Integer::sum);
        byFamily.computeIfAbsent(c.family(), f -> new int[1])[0]++;
        assertThat(r.status()).as("%s -> %s", c, r.body()).isEqualTo(c.status());
        assertThat(r.header("content-type")).as("%s", c).startsWith("application/json");
        JsonNode body = r.json();
        if (c.code() != null) {
            assertThat(body.path("success").asBoolean(true)).as("%s", c).isFalse();
            assertThat(body.path("code").asText()).as("%s -> %s", c, r.body()).isEqualTo(c.code());
            assertThat(body.path("message").asText()).as("%s: a message that names the problem", c).isNotBlank();
        } else {
            assertThat(body.path("success").asBoolean()).as("%s -> %s", c, r.body()).isTrue();
            Set<Integer> named = new HashSet<>();
            body.path("rejected").forEach(item -> {
                named.add(item.path("index").asInt());
                assertThat(item.path("code").asText()).as("%s: each rejected item names its reason", c).isNotBlank();
            });
            assertThat(named).as("%s: the rejected items, by index", c).isEqualTo(c.rejected());
        }
        acknowledged.addAll(c.stored());
        refused.addAll(idsIn(c.body()));
        refused.removeAll(c.stored());
        // The server still serves the next good request.
        String id = "good-after-" + index + "-" + SEED;
        Http.Response good = Http.post(drover.url("/v1/track"), "{\"userId\":\"u-good\",\"event\":\"Good\",\"messageId\":\""
                + id + "\"}", "Content-Type", "application/json", "Authorization", Http.basic(TestDrover.BACKEND_KEY));
        assertThat(good.status()).as("the good request after %s -> %s", c, good.body()).isEqualTo(200);
        acknowledged.add(id);
    }

    private void delivered() throws Exception {
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        Set<String> missing = new HashSet<>(acknowledged);
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            missing.removeIf(this::seenByVendor);
            return missing.isEmpty();
        });
        readVendorRequests();
        List<String> leaked = refused.stream().filter(this::seenByVendor).toList();
        assertThat(leaked).as("messages of refused requests that reached the vendor").isEmpty();
        String figures = String.format("hostile-input suite, seed %d: %d cases (%s), answered %s, %d acknowledged events"
                        + " all delivered, %d refused messages none delivered, %d ms for the cases and their good requests%n",
                SEED, byFamily.values().stream().mapToInt(a -> a[0]).sum(), families(), byStatus,
                acknowledged.size(), refused.size(), tookMs);
        System.out.print(figures);
        Files.writeString(Path.of("target", "hostile-input.txt"), figures);
    }

    private final Set<String> delivered = new HashSet<>();
    private long readAt;

    /** Whether a messageId is in a request the vendor stand-in received (read again at most twice a second). */
    private boolean seenByVendor(String id) {
        if (System.nanoTime() - readAt > 400_000_000L) {
            readAt = System.nanoTime();
            readVendorRequests();
        }
        return delivered.contains(id);
    }

    private void readVendorRequests() {
        for (LoggedRequest request : drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")))) {
            String body = request.getBodyAsString();
            for (String part : body.split("\"messageId\":\"")) {
                int end = part.indexOf('"');
                if (end > 0) {
                    delivered.add(part.substring(0, end));
                }
            }
        }
    }

    private String families() {
        StringBuilder b = new StringBuilder();
        byFamily.forEach((f, count) -> b.append(b.length() == 0 ? "" : ", ").append(f).append(' ').append(count[0]));
        return b.toString();
    }

    private static Set<String> idsIn(byte[] body) {
        Set<String> ids = new HashSet<>();
        if (body == null) {
            return ids;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = 0;
        while ((at = text.indexOf("hostile-", at)) >= 0) {
            int end = at;
            while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '-')) {
                end++;
            }
            ids.add(text.substring(at, end));
            at = end;
        }
        return ids;
    }
}
