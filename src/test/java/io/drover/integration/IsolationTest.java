package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One vendor down does not slow another: while "stuck" answers 503 to everything, the webhook keeps receiving each
 * event within seconds; once "stuck" recovers it receives every event it missed.
 */
class IsolationTest {

    private final TestDrover drover = TestDrover.shared();
    private final Path stuck = drover.integrationsDir().resolve("stuck.yaml");

    @AfterEach
    void remove() throws Exception {
        Modules.removed(drover, stuck);
    }

    @Test
    void aFailingVendorHoldsBackOnlyItsOwnIntegration() throws Exception {
        Modules.running(drover, stuck, () -> Files.writeString(stuck, """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: stuck
                    parameters:
                      - name: name
                        value: stuck
                      - name: endpoint
                        value: "http://127.0.0.1:%d/stuck"
                      - name: batchSize
                        value: "1"
                      - name: lingerMs
                        value: "100"
                      - name: maxDelay
                        value: 1s
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: s
                """.formatted(drover.vendor.port())));
        // Loaded: it reads every event from now on. The vendor goes down, and "stuck" is seen failing on its first event.
        drover.vendor.stubFor(post(urlEqualTo("/stuck")).atPriority(1).willReturn(aResponse().withStatus(503)));
        List<String> sent = new ArrayList<>();
        String first = send();
        sent.add(first);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !drover.vendor.findAll(
                postRequestedFor(urlEqualTo("/stuck")).withRequestBody(containing(first))).isEmpty());

        for (int i = 0; i < 8; i++) {
            String id = send();
            sent.add(id);
            long start = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() ->
                    !drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).isEmpty());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("webhook delivery of event %d while 'stuck' is down", i).isLessThan(3000);
        }

        // Meanwhile "stuck" kept trying its first event.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.vendor.findAll(
                postRequestedFor(urlEqualTo("/stuck")).withRequestBody(containing(first))).size() >= 2);

        // Recovery: every event the stuck vendor missed arrives.
        drover.vendor.stubFor(post(urlEqualTo("/stuck")).atPriority(1).willReturn(aResponse().withStatus(200)));
        for (String id : sent) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !drover.vendor.findAll(
                    postRequestedFor(urlEqualTo("/stuck")).withRequestBody(containing(id))).isEmpty());
        }
    }

    private String send() {
        String id = "iso-" + UUID.randomUUID();
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"iso-user\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
        return id;
    }
}
