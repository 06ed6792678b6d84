package io.drover.buffer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.JavaProcess;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged means stored: Drover runs as a separate process (configured only through environment variables, as in
 * a container), takes events under load, is killed with SIGKILL mid-stream, restarted on the same data directory, then
 * stopped with SIGTERM mid-stream and started again; every messageId that got a 200 must be in drover.events.
 */
class DurabilityTest {

    private static final String KEY = "wk_durability_0123456789";

    private final int httpPort = FreePorts.next();
    private final int adminPort = FreePorts.next();
    private final int kafkaPort = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private Path dataDir;
    private Process drover;

    @Test
    void everyAcknowledgedEventSurvivesKillAndRestart() throws Exception {
        dataDir = Files.createTempDirectory("drover-durability-");

        drover = startDrover("run-1.log");
        int killedAfter = loadUntil(1500, () -> drover.destroyForcibly());
        assertThat(drover.waitFor(30, TimeUnit.SECONDS)).isTrue();

        drover = startDrover("run-2.log");
        int terminatedAfter = loadUntil(acknowledged.size() + 1500, () -> drover.destroy());
        // SIGTERM: stop taking requests, answer those in flight, flush, stop the broker; bounded.
        assertThat(drover.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s after SIGTERM").isTrue();
        assertThat(drover.exitValue()).isIn(0, 143);

        drover = startDrover("run-3.log");
        try (TopicReader topic = new TopicReader("127.0.0.1:" + kafkaPort, "drover.events")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(acknowledged.stream().filter(id -> topic.find(id).isEmpty()).toList())
                            .as("acknowledged messageIds missing from drover.events").isEmpty());
            assertThat(killedAfter).isGreaterThanOrEqualTo(1500);
            assertThat(terminatedAfter).isGreaterThan(killedAfter);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        JavaProcess.stop(drover);
    }

    private Process startDrover(String log) throws IOException {
        Map<String, String> env = Map.of(
                "DROVER_HTTP_PORT", String.valueOf(httpPort),
                "DROVER_ADMIN_PORT", String.valueOf(adminPort),
                "DROVER_DATA_DIR", dataDir.toString(),
                "DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(kafkaPort),
                "DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(controllerPort),
                "DROVER_SOURCES_APP_WRITE_KEY", KEY);
        Process p = JavaProcess.start("io.drover.Drover", List.of("-Xmx384m"), List.of(), env, dataDir.resolve(log));
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("Drover exited; see " + dataDir.resolve(log));
            }
            return post("/v1/track", "{\"userId\":\"ready\",\"event\":\"Ready\",\"messageId\":\"ready-" + UUID.randomUUID() + "\"}") == 200;
        });
        return p;
    }

    /**
     * Four clients post singles and batches of 10 until {@code target} events are acknowledged; then {@code stop} runs
     * while they keep posting, and they stop at their first failure. Returns how many were acknowledged by then.
     */
    private int loadUntil(int target, Runnable stop) throws InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (int n = 0; System.nanoTime() < deadline; n++) {
                    List<String> ids = new ArrayList<>();
                    String body;
                    if (n % 2 == 0) {
                        String id = UUID.randomUUID().toString();
                        ids.add(id);
                        body = "{\"userId\":\"user-" + client + "-" + (n % 7) + "\",\"event\":\"E\",\"messageId\":\"" + id + "\"}";
                    } else {
                        StringBuilder b = new StringBuilder("{\"batch\":[");
                        for (int i = 0; i < 10; i++) {
                            String id = UUID.randomUUID().toString();
                            ids.add(id);
                            b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"user-").append(client)
                                    .append('-').append(i).append("\",\"event\":\"E\",\"messageId\":\"").append(id).append("\"}");
                        }
                        body = b.append("]}").toString();
                    }
                    int status = post(n % 2 == 0 ? "/v1/track" : "/v1/batch", body);
                    if (status == 200) {
                        acknowledged.addAll(ids);
                    } else if (stopped.get()) {
                        return;
                    }
                }
            }, "load-" + c);
            t.start();
            clients.add(t);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
        int before = acknowledged.size();
        stopped.set(true);
        stop.run();
        for (Thread t : clients) {
            t.join(TimeUnit.SECONDS.toMillis(70));
        }
        return before;
    }

    /** The status, or -1 when the connection failed (the process is gone). */
    private int post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", Http.basic(KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
