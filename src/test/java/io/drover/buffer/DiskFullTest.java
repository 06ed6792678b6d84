package io.drover.buffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.drover.testing.DroverProcess;
import io.drover.testing.Http;
import io.drover.testing.Tmpfs;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drover on a disk that really fills up: a 64 MiB tmpfs as its data directory, Drover as a separate process, a
 * stand-in vendor (WireMock on 127.0.0.1) behind the shipped webhook module. With a floor, ingestion refuses before
 * the broker's disk is full and takes events again once space is freed, without a restart; without one, the broker's
 * log directory fails and Drover stays up, says so, and loses nothing acknowledged across a restart.
 */
class DiskFullTest {

    private static final String KEY = "wk_diskfull_0123456789";
    private static final long MIB = 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private Tmpfs disk;
    private Path logs;
    private DroverProcess drover;
    private WireMockServer vendor;

    @Test
    void atTheFloorIngestionRefusesAndTakesEventsAgainOnceSpaceIsFreed() throws Exception {
        long floor = 24 * MIB;
        start(Map.of("DROVER_KAFKA_EMBEDDED_MIN_FREE", String.valueOf(floor)));
        awaitReady();
        // Ready: the webhook module reads (and every event acknowledged since the start is its own anyway).

        // Leave 8 MiB above the floor, then send until refused.
        Path filler = disk.fill("filler", disk.usableSpace() - floor - 8 * MIB);
        long freeBefore = disk.usableSpace();
        assertThat(freeBefore).as("free space above the floor after the filler").isGreaterThan(floor);
        Http.Response refused = sendUntilRefused(600);
        long freeAtRefusal = disk.usableSpace();
        int ackedBeforeRefusal = acknowledged.size();
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("code").asText()).isEqualTo("disk_full");
        assertThat(refused.header("retry-after")).isEqualTo("30");
        assertThat(statuses.keySet()).as("statuses before the refusal").containsOnly(200, 503);
        assertThat(ackedBeforeRefusal).as("events taken before the floor").isGreaterThan(0);
        assertThat(freeAtRefusal).as("refused before the disk is full").isGreaterThan(floor / 2);
        assertThat(drover.process().isAlive()).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Http.Response ready = drover.admin("/observe/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("drover-disk").contains("below its floor");
        });
        assertThat(drover.admin("/observe/health/live").status()).isEqualTo(200);
        // What was stored is still delivered: integrations only read.
        awaitDelivered();

        long deleted = System.nanoTime();
        Files.delete(filler);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> send().status() == 200);
        long resumedMillis = (System.nanoTime() - deleted) / 1_000_000;
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> drover.admin("/observe/health/ready").status() == 200);
        for (int i = 0; i < 20; i++) {
            assertThat(send().status()).isEqualTo(200);
        }
        Map<String, Integer> seen = awaitDelivered();
        assertThat(statuses).as("statuses").doesNotContainKeys(500, -1);
        assertThat(Files.readString(logs.resolve("drover.log"))).containsOnlyOnce("ingestion answers 503 disk_full")
                .containsOnlyOnce("ingestion takes events again").doesNotContain("have failed");
        System.out.printf("DiskFullTest floor: acknowledged=%d delivered=%d lost=%d duplicated=%d (refused at %.1f MiB"
                        + " free, floor %d MiB, %d taken before; taking events again %d ms after the filler was deleted)%n",
                acknowledged.size(), acknowledged.stream().filter(seen::containsKey).count(),
                acknowledged.stream().filter(id -> !seen.containsKey(id)).count(),
                acknowledged.stream().filter(id -> seen.getOrDefault(id, 0) > 1).count(),
                freeAtRefusal / (double) MIB, floor / MIB, ackedBeforeRefusal, resumedMillis);
    }

    @Test
    void withoutAFloorABrokerWhoseDiskFailsLeavesDroverUpAndNothingAcknowledgedIsLost() throws Exception {
        start(Map.of("DROVER_KAFKA_EMBEDDED_MIN_FREE", "0"));
        Path filler = disk.fill("filler", disk.usableSpace() - 4 * MIB);
        long started = System.nanoTime();
        // Until the broker gives up its log directory: first failed writes (503 buffer_unavailable), then broker_failed.
        Http.Response last = null;
        for (int i = 0; i < 3000 && (last == null || !last.body().contains("broker_failed")); i++) {
            last = send();
            assertThat(last.status()).as(last.body()).isIn(200, 503);
            assertThat(System.nanoTime() - started).as("ns until broker_failed").isLessThan(Duration.ofSeconds(40).toNanos());
        }
        long failedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(last.json().get("code").asText()).isEqualTo("broker_failed");
        assertThat(last.header("retry-after")).isEqualTo("60");
        assertThat(drover.process().isAlive()).isTrue();
        for (String path : List.of("/observe/health/live", "/observe/health/ready")) {
            Http.Response health = drover.admin(path);
            assertThat(health.status()).as(path + ": " + health.body()).isEqualTo(503);
            assertThat(health.body()).contains("drover-broker").contains("has failed");
        }
        assertThat(drover.post("/v1/m", "{\"series\":[]}").status()).as("what needs no buffer").isEqualTo(200);
        String log = Files.readString(logs.resolve("drover.log"));
        assertThat(log).contains("have failed").containsOnlyOnce("The embedded Kafka broker has failed");

        long stopping = System.nanoTime();
        drover.stop();
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        int exit = drover.process().exitValue();
        // A failed broker does not hold the stop for its 5-minute controlled shutdown (nor Camel's 45 s).
        assertThat(stopMillis).as("ms to stop after SIGTERM").isLessThan(25_000);
        assertThat(exit).as("exit status after SIGTERM").isIn(0, 143);
        Files.delete(filler);
        drover.start("drover-2.log").awaitAdmitting();
        int lost;
        try (TopicReader topic = new TopicReader(drover.bootstrapServers(), "drover.events")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(acknowledged.stream().filter(id -> topic.find(id).isEmpty()).toList())
                            .as("acknowledged messageIds missing from drover.events after the restart").isEmpty());
            lost = (int) acknowledged.stream().filter(id -> topic.find(id).isEmpty()).count();
        }
        assertThat(send().status()).as("taking events after the restart").isEqualTo(200);
        System.out.printf("DiskFullTest no floor: acknowledged=%d lost=%d; broker_failed %d ms after the filler;"
                + " statuses %s; SIGTERM stopped it in %d ms (exit %d)%n", acknowledged.size(), lost, failedMillis,
                statuses, stopMillis, exit);
    }

    private void start(Map<String, String> floor) throws Exception {
        disk = Tmpfs.mount("64m");
        logs = Files.createTempDirectory("drover-diskfull-logs-");
        vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook")).willReturn(WireMock.ok()));
        Path integrations = Files.createDirectories(disk.dir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        Map<String, String> env = new HashMap<>(floor);
        env.put("DROVER_INTEGRATIONS_DIR", integrations.toString());
        env.put("DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS", "true");
        env.put("WEBHOOK_URL", "http://127.0.0.1:" + vendor.port() + "/hook");
        env.put("WEBHOOK_SECRET", "whsec_diskfull_0123456789");
        env.put("WEBHOOK_BATCH_SIZE", "100");
        drover = new DroverProcess(disk.dir, logs, KEY, env)
                // A write in flight when the broker fails is answered within seconds (the defaults are 10 s and 20 s).
                .jvm("-Dcamel.component.kafka.request-timeout-ms=3000", "-Dcamel.component.kafka.delivery-timeout-ms=5000")
                .start("drover.log").awaitAdmitting();
    }

    private void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> drover.admin("/observe/health/ready").status() == 200);
    }

    /** Batches of 50 events of ~1 KB each until one is refused (or {@code max} were sent); the refusal. */
    private Http.Response sendUntilRefused(int max) {
        Http.Response r = null;
        for (int i = 0; i < max; i++) {
            r = send();
            if (r.status() != 200) {
                return r;
            }
        }
        throw new AssertionError(max + " batches were all taken: the floor never refused");
    }

    /** One batch of 50 events (each with ~1 KB of incompressible text); acknowledged ids are remembered. */
    private Http.Response send() {
        List<String> ids = new ArrayList<>();
        StringBuilder b = new StringBuilder("{\"batch\":[");
        byte[] pad = new byte[768];
        for (int i = 0; i < 50; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            ThreadLocalRandom.current().nextBytes(pad);
            b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"user-").append(i % 7)
                    .append("\",\"event\":\"Filled\",\"messageId\":\"").append(id).append("\",\"properties\":{\"pad\":\"")
                    .append(Base64.getEncoder().encodeToString(pad)).append("\"}}");
        }
        Http.Response r = drover.post("/v1/batch", b.append("]}").toString());
        statuses.merge(r.status(), 1, Integer::sum);
        if (r.status() == 200) {
            acknowledged.addAll(ids);
        }
        return r;
    }

    /** Waits until the vendor has every acknowledged event; how many times it got each messageId. */
    private Map<String, Integer> awaitDelivered() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, Integer> seen = delivered();
            assertThat(acknowledged.stream().filter(id -> !seen.containsKey(id)).count())
                    .as("acknowledged events not delivered").isZero();
        });
        return delivered();
    }

    /** The messageIds the vendor received (a single event or a {"batch":[...]}), with their counts. */
    private Map<String, Integer> delivered() {
        Map<String, Integer> seen = new HashMap<>();
        for (ServeEvent e : vendor.getAllServeEvents()) {
            JsonNode body;
            try {
                body = MAPPER.readTree(e.getRequest().getBodyAsString());
            } catch (java.io.IOException notJson) {
                throw new AssertionError("the vendor got a body that is not JSON", notJson);
            }
            for (JsonNode event : body.has("batch") ? body.get("batch") : List.of(body)) {
                seen.merge(event.path("messageId").asText(), 1, Integer::sum);
            }
        }
        return seen;
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (drover != null) {
                drover.stop();
            }
            if (vendor != null) {
                vendor.stop();
            }
        } finally {
            if (disk != null) {
                disk.close();
            }
        }
    }
}
