package io.drover.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.ExternalKafka;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.JavaProcess;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dedupe across instances and restarts (issue 19), with real processes: three Drover instances on one external
 * broker, one webhook integration whose consumer group spreads over the three, and a stand-in vendor. Each event is
 * sent through the three instances at the same moment (a client retrying through a load balancer), then again
 * through each after one instance restarted: the vendor gets each event once. How many were stored more than once
 * (the instances raced each other at ingestion) is printed: those were left out at consumption.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DedupeAcrossInstancesIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String WRITE_KEY = "wk_dedupe_" + UUID.randomUUID().toString().replace("-", "");
    private static final String MODULE = "dedupe-hook";
    private static final int EVENTS = 100;
    private static final Duration STARTUP = Duration.ofSeconds(150);

    private Path dir;
    private ExternalKafka kafka;
    private WireMockServer vendor;
    private final List<Instance> drovers = new ArrayList<>();
    private boolean failed = true;

    private static final class Instance {
        final String name;
        final int port = FreePorts.next();
        final int adminPort = FreePorts.next();
        Process process;
        Path log;

        Instance(String name) {
            this.name = name;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    @BeforeAll
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void start() throws Exception {
        dir = Files.createTempDirectory("drover-dedupe-");
        kafka = ExternalKafka.start(dir.resolve("kafka"));
        vendor = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(FreePorts.next()));
        vendor.start();
        vendor.stubFor(post(urlEqualTo("/" + MODULE)).willReturn(aResponse().withStatus(200)));
        for (int i = 1; i <= 3; i++) {
            Instance d = new Instance("drover-" + i);
            drovers.add(d);
            start(d);
        }
        for (Instance d : drovers) {
            awaitReady(d);
        }
        awaitDelivering();
        failed = false;
    }

    private void start(Instance d) throws IOException {
        Path data = Files.createDirectories(dir.resolve(d.name));
        Path integrations = Files.createDirectories(data.resolve("integrations"));
        Files.writeString(integrations.resolve(MODULE + ".yaml"), """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: %1$s
                    parameters:
                      - name: name
                        value: %1$s
                      - name: endpoint
                        value: "http://127.0.0.1:%2$d/%1$s"
                      - name: startFrom
                        value: earliest
                      - name: batchSize
                        value: "20"
                      - name: lingerMs
                        value: "100"
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: dedupe-secret
                """.formatted(MODULE, vendor.port()));
        d.log = dir.resolve(d.name + "-" + System.nanoTime() + ".log");
        Map<String, String> env = new HashMap<>(Map.of(
                "DROVER_HTTP_HOST", "127.0.0.1",
                "DROVER_HTTP_PORT", String.valueOf(d.port),
                "DROVER_ADMIN_HOST", "127.0.0.1",
                "DROVER_ADMIN_PORT", String.valueOf(d.adminPort),
                "DROVER_DATA_DIR", data.toString(),
                "DROVER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "DROVER_KAFKA_REPLICATION_FACTOR", "1",
                "DROVER_INTEGRATIONS_DIR", integrations.toString(),
                "DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS", "true",
                "DROVER_SOURCES_WEB_WRITE_KEY", WRITE_KEY));
        env.put("DROVER_IDENTITY_ENABLED", "false");
        env.put("DROVER_INSTANCE_ID", d.name);
        d.process = JavaProcess.start("io.drover.Drover", List.of("-Xmx384m"), List.of(), env, d.log);
    }

    private void awaitReady(Instance d) {
        Awaitility.await(d.name + " ready; see " + d.log).atMost(STARTUP).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!d.process.isAlive()) {
                        throw new AssertionError(d.name + " exited with " + d.process.exitValue() + "; see " + d.log);
                    }
                    try {
                        return Http.send("GET", "http://127.0.0.1:" + d.adminPort + "/observe/health/ready", null)
                                .status() == 200;
                    } catch (AssertionError notListening) {
                        return false;
                    }
                });
    }

    /** A probe through each instance until the vendor has one from each: the group reads everywhere. */
    private void awaitDelivering() {
        Awaitility.await("the integration delivers").atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (Instance d : drovers) {
                track(d, "probe-" + d.name, "probe-" + UUID.randomUUID());
            }
            return vendor.findAll(postRequestedFor(urlEqualTo("/" + MODULE))).size() >= 3;
        });
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void anEventSentThroughThreeInstancesAndAgainAfterARestartIsDeliveredOnce() throws Exception {
        failed = true;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < EVENTS; i++) {
                String id = run + "-m" + i;
                ids.add(id);
                // The three at once: no instance has read another's copy yet, as far as timing allows.
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (Instance d : drovers) {
                    sends.add(CompletableFuture.runAsync(() -> track(d, run + "-u" + id, id), pool));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // One instance restarts (its consumer's partitions move, its window is restored from the topic)...
        Instance restarted = drovers.get(1);
        restarted.process.destroy();
        assertThat(restarted.process.waitFor(60, TimeUnit.SECONDS)).as("%s stopped on SIGTERM", restarted.name).isTrue();
        start(restarted);
        awaitReady(restarted);
        // ...and the client retries each event through each instance again.
        for (String id : ids) {
            for (Instance d : drovers) {
                track(d, run + "-u" + id, id);
            }
        }
        // A later event of each user follows its copies in the partition: once it is delivered, they were read.
        for (String id : ids) {
            track(drovers.get(0), run + "-u" + id, id + "-after");
        }
        Awaitility.await("every user's last event delivered").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).until(() -> delivered(run).keySet().stream()
                        .filter(k -> k.endsWith("-after")).count() == EVENTS);

        Map<String, Integer> delivered = delivered(run);
        int storedTwice;
        try (TopicReader topic = new TopicReader(kafka.bootstrapServers(), "drover.events")) {
            topic.awaitCaughtUp();
            storedTwice = (int) ids.stream().filter(id -> topic.find(id).size() > 1).count();
        }
        System.out.printf("DedupeAcrossInstancesIT: %d events sent 3 times at once and 3 times after a restart;"
                + " %d of them stored more than once (left out at consumption); duplicates delivered: %d%n",
                EVENTS, storedTwice, ids.stream().filter(id -> delivered.getOrDefault(id, 0) > 1).count());
        for (String id : ids) {
            assertThat(delivered.getOrDefault(id, 0)).as("deliveries of %s", id).isEqualTo(1);
        }
        failed = false;
    }

    /** messageId -> how many times the vendor received it, for this run's events. */
    private Map<String, Integer> delivered(String run) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (LoggedRequest r : vendor.findAll(postRequestedFor(urlEqualTo("/" + MODULE)))) {
            var body = MAPPER.readTree(r.getBodyAsString());
            for (var e : body.has("batch") ? body.get("batch") : MAPPER.createArrayNode().add(body)) {
                String id = e.path("messageId").asText();
                if (id.startsWith(run)) {
                    counts.merge(id, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private static void track(Instance d, String userId, String messageId) {
        Http.Response r = Http.post(d.url("/v1/track"), "{\"userId\":\"" + userId + "\",\"event\":\"Dedupe\","
                + "\"messageId\":\"" + messageId + "\"}", "Authorization", Http.basic(WRITE_KEY));
        assertThat(r.status()).as("%s answered %s; see %s", d.name, r.body(), d.log).isEqualTo(200);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (Instance d : drovers) {
                if (d.process != null) {
                    JavaProcess.stop(d.process);
                }
            }
        } finally {
            try {
                if (vendor != null) {
                    vendor.stop();
                }
            } finally {
                if (kafka != null) {
                    kafka.close();
                }
            }
        }
        if (failed) {
            System.err.println("DedupeAcrossInstancesIT: logs kept under " + dir);
        } else if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
