package io.drover.buffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.drover.DroverServer;
import io.drover.testing.ExternalKafka;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Drover on an external Kafka broker (a separate process) that then dies: requests get 503 with Retry-After, not a
 * hang and not a 200, and the server keeps answering. Its only source allows one origin, so pre-flights from others
 * are refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BufferUnavailableTest {

    private static final String KEY = "wk_unavailable_0123456789";
    private static ExternalKafka kafka;
    private static DroverServer drover;
    private static final int ADMIN_PORT = FreePorts.next();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("drover-unavailable-");
        kafka = ExternalKafka.start(dir.resolve("kafka"));
        drover = new DroverServer(Map.ofEntries(
                Map.entry("drover.http.host", "127.0.0.1"),
                Map.entry("drover.http.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.admin.port", String.valueOf(ADMIN_PORT)),
                Map.entry("drover.data-dir", dir.toString()),
                Map.entry("drover.kafka.bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("drover.sources.shop.write-key", KEY),
                Map.entry("drover.sources.shop.allowed-origins", "https://only.example"),
                // Give up on an unreachable broker within seconds (the defaults are 10 s and 20 s).
                Map.entry("camel.component.kafka.request-timeout-ms", "1500"),
                Map.entry("camel.component.kafka.delivery-timeout-ms", "2500"))).start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (drover != null) {
            drover.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void aPreflightFromAnOriginNoSourceAllowsIsRefused() {
        Http.Response r = Http.send("OPTIONS", url("/v1/track"), null, "Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("access-control-allow-origin")).isNull();
        assertThat(r.json().get("code").asText()).isEqualTo("origin_not_allowed");
    }

    @Test
    @Order(2)
    void whenKafkaIsGoneRequestsGet503WithRetryAfter() throws Exception {
        assertThat(post().status()).isEqualTo(200);
        assertThat(Http.send("GET", "http://127.0.0.1:" + ADMIN_PORT + "/observe/health/ready", null).status()).isEqualTo(200);

        kafka.kill();

        int logged = io.drover.testing.TestDrover.LOGS.lines().size();
        long started = System.nanoTime();
        Http.Response r = post();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("5");
        assertThat(r.json().get("code").asText()).isEqualTo("buffer_unavailable");
        assertThat(seconds).as("answered within the delivery timeout").isLessThan(15);
        // Still serving: the next request is refused at once (no thread waits on a dead broker again within a
        // second of a failure), and everything that needs no buffer is answered.
        long next = System.nanoTime();
        assertThat(post().status()).isEqualTo(503);
        assertThat((System.nanoTime() - next) / 1_000_000).as("ms to refuse the next request").isLessThan(900);
        assertThat(Http.post(url("/v1/m"), "{\"series\":[]}").status()).isEqualTo(200);
        // One line of Drover's for the failed write, not Camel's error handler's stack trace per request.
        java.util.List<String> lines = io.drover.testing.TestDrover.LOGS.lines();
        assertThat(lines.subList(logged, lines.size())).noneMatch(l -> l.contains("Failed delivery for"))
                .anyMatch(l -> l.startsWith("Buffer write failed for source shop"));
        // Readiness says what the 503s say: the buffer is down (liveness stays up: restarting would not help).
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                Http.send("GET", "http://127.0.0.1:" + ADMIN_PORT + "/observe/health/ready", null).status()).isEqualTo(503));
        assertThat(Http.send("GET", "http://127.0.0.1:" + ADMIN_PORT + "/observe/health/live", null).status()).isEqualTo(200);
        // And so do the metrics, for alerts.
        assertThat(Http.send("GET", "http://127.0.0.1:" + ADMIN_PORT + "/observe/metrics", null).body())
                .contains("drover_buffer_takes_writes 0.0").contains("drover_ready 0.0");
    }

    private static Http.Response post() {
        return Http.post(url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", Http.basic(KEY));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + drover.httpPort() + path;
    }
}
