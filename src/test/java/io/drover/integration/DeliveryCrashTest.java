package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.JavaProcess;
import io.drover.testing.Probes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of Drover while the webhook's deliveries are being retried: after a restart on the same data directory,
 * every accepted event reaches the vendor (duplicates allowed, and counted), none is lost.
 */
class DeliveryCrashTest {

    private static final String KEY = "wk_crash_0123456789";
    private final WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private final Map<String, String> env = new HashMap<>();
    private Process drover;
    private Path dir;

    @Test
    void everyAcceptedEventIsDeliveredAfterACrash() throws Exception {
        vendor.start();
        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
        dir = Files.createTempDirectory("drover-crash-");
        Path integrations = Files.createDirectories(dir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        int http = FreePorts.next();
        env.putAll(Map.of("DROVER_HTTP_PORT", String.valueOf(http), "DROVER_ADMIN_PORT", String.valueOf(FreePorts.next()),
                "DROVER_DATA_DIR", dir.toString(), "DROVER_INTEGRATIONS_DIR", integrations.toString(),
                "DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(FreePorts.next()),
                "DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(FreePorts.next()),
                "DROVER_SOURCES_APP_WRITE_KEY", KEY, "DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS", "true",
                "WEBHOOK_URL", "http://127.0.0.1:" + vendor.port() + "/hook", "WEBHOOK_SECRET", "crash-secret"));
        env.put("WEBHOOK_BATCH_SIZE", "20");
        String url = "http://127.0.0.1:" + http;

        drover = start("run-1.log");
        // The webhook's consumer joins at the end of the topic: wait until a probe arrives.
        Probes.untilOneArrives(Duration.ofSeconds(60), () -> postBatch(url, List.of("probe-" + UUID.randomUUID())).get(0), p -> received(p) > 0);

        // The vendor fails: deliveries go into retries; then Drover is killed mid-retry.
        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(503)));
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < 15; j++) {
                ids.add("crash-" + i + "-" + j + "-" + UUID.randomUUID());
            }
            accepted.addAll(postBatch(url, ids));
        }
        Thread.sleep(1500);
        drover.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
        drover = start("run-2.log");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(accepted.stream().filter(id -> received(id) == 0).toList()).as("accepted events never delivered")
                        .isEmpty());
        long duplicates = accepted.stream().filter(id -> received(id) > 1).count();
        System.out.printf("Delivered all %d accepted events after kill -9; %d of them more than once%n", accepted.size(), duplicates);
    }

    @AfterEach
    void stop() throws InterruptedException {
        JavaProcess.stop(drover);
        vendor.stop();
    }

    private Process start(String log) throws Exception {
        Process p = JavaProcess.start("io.drover.Drover", List.of("-Xmx384m"), List.of(), env, dir.resolve(log));
        String url = "http://127.0.0.1:" + env.get("DROVER_HTTP_PORT");
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("Drover exited; see " + dir.resolve(log));
            }
            try {
                return Http.post(url + "/v1/m", "{}").status() == 200;
            } catch (AssertionError notYet) {
                return false;
            }
        });
        return p;
    }

    /** Posts a batch with these messageIds; returns them once acknowledged. */
    private static List<String> postBatch(String url, List<String> ids) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < ids.size(); i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"crash-user-").append(i % 5)
                    .append("\",\"event\":\"E\",\"messageId\":\"").append(ids.get(i)).append("\"}");
        }
        Http.Response r = Http.post(url + "/v1/batch", b.append("]}").toString(), "Authorization", Http.basic(KEY));
        assertThat(r.status()).isEqualTo(200);
        return ids;
    }

    private long received(String id) {
        return vendor.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200)
                .map(e -> e.getRequest())
                .filter((LoggedRequest r) -> r.getBodyAsString().contains(id)).count();
    }
}
