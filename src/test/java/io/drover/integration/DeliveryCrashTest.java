package io.drover.integration;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.DroverProcess;
import io.drover.testing.Http;
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
    private DroverProcess drover;

    @Test
    void everyAcceptedEventIsDeliveredAfterACrash() throws Exception {
        vendor.start();
        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
        drover = DroverProcess.withWebhook(Files.createTempDirectory("drover-crash-"), KEY,
                "http://127.0.0.1:" + vendor.port() + "/hook", 20);

        // Ready: the webhook module present at start reads every event acknowledged from now on.
        drover.start("run-1.log").awaitReady(Duration.ofSeconds(90));

        // The vendor fails: deliveries go into retries; then Drover is killed mid-retry.
        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(503)));
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < 15; j++) {
                ids.add("crash-" + i + "-" + j + "-" + UUID.randomUUID());
            }
            accepted.addAll(postBatch(ids));
        }
        // Mid-retry: a batch was refused and tried again (the integration holds it until the vendor takes it).
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> vendor.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 503).count() >= 2);
        drover.kill();

        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
        drover.start("run-2.log").awaitReady(Duration.ofSeconds(90));
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(accepted.stream().filter(id -> received(id) == 0).toList()).as("accepted events never delivered")
                        .isEmpty());
        long duplicates = accepted.stream().filter(id -> received(id) > 1).count();
        System.out.printf("Delivered all %d accepted events after kill -9; %d of them more than once%n", accepted.size(), duplicates);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (drover != null) {
            drover.stop();
        }
        vendor.stop();
    }

    /** Posts a batch with these messageIds; returns them once acknowledged. */
    private List<String> postBatch(List<String> ids) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < ids.size(); i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"crash-user-").append(i % 5)
                    .append("\",\"event\":\"E\",\"messageId\":\"").append(ids.get(i)).append("\"}");
        }
        Http.Response r = drover.post("/v1/batch", b.append("]}").toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return ids;
    }

    private long received(String id) {
        return vendor.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200)
                .map(e -> e.getRequest())
                .filter((LoggedRequest r) -> r.getBodyAsString().contains(id)).count();
    }
}
