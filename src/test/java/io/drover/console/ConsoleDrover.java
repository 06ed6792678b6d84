package io.drover.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.drover.DroverServer;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import org.awaitility.Awaitility;

/**
 * A Drover of its own for the console's tests, with an admin token (the shared test Drover has none), the shipped
 * webhook module pointed at a WireMock stand-in on loopback: {@code /hook} answers 200, and 400 for a body holding
 * {@value #REJECT} (a vendor refusing an event). One per test run.
 */
final class ConsoleDrover {

    static final String TOKEN = "console-test-token-0123456789";
    static final String KEY = "wk_console_0123456789";
    static final String REJECT = "reject-me";

    final DroverServer server;
    final WireMockServer vendor;
    final int adminPort;

    private static ConsoleDrover shared;

    private ConsoleDrover(DroverServer server, WireMockServer vendor, int adminPort) {
        this.server = server;
        this.vendor = vendor;
        this.adminPort = adminPort;
    }

    static synchronized ConsoleDrover shared() throws Exception {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.server.stop();
                shared.vendor.stop();
            }));
        }
        return shared;
    }

    private static ConsoleDrover start() throws Exception {
        WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook")).atPriority(10).willReturn(WireMock.okJson("{\"ok\":true}")));
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook")).withRequestBody(WireMock.containing(REJECT))
                .atPriority(1).willReturn(WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid event\"}")));
        Path dir = Files.createTempDirectory("drover-console-");
        Path integrations = Files.createDirectories(dir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        int admin = FreePorts.next();
        DroverServer server = new DroverServer(Map.ofEntries(
                Map.entry("drover.http.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.http.host", "127.0.0.1"),
                Map.entry("drover.admin.port", String.valueOf(admin)),
                Map.entry("drover.admin.token", TOKEN),
                Map.entry("drover.kafka.embedded.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.partitions", "1"),
                Map.entry("drover.data-dir", dir.toString()),
                Map.entry("drover.integrations-dir", integrations.toString()),
                Map.entry("drover.sources.shop.write-key", KEY),
                Map.entry("drover.delivery.allow-private-targets", "true"),
                Map.entry("webhook.url", "http://127.0.0.1:" + vendor.port() + "/hook"),
                Map.entry("webhook.secret", "whsec_console_0123456789"),
                Map.entry("camel.component.http.response-timeout", "3000"))).start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> server.readiness().ready());
        return new ConsoleDrover(server, vendor, admin);
    }

    String admin(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    /** Sends one track event through the ingestion API. */
    void track(String json) {
        Http.Response r = Http.post("http://127.0.0.1:" + server.httpPort() + "/v1/track", json,
                "Authorization", Http.basic(KEY), "Content-Type", "application/json");
        if (r.status() != 200) {
            throw new IllegalStateException("ingestion answered " + r.status() + ": " + r.body());
        }
    }

    /** The event's journey once an integration's reached {@code state}. */
    JsonNode awaitState(String messageId, String state) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JsonNode j : get("/admin/journeys?messageId=" + messageId).json().get("journeys")) {
                if (j.get("state").asText().equals(state)) {
                    return j;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    Http.Response get(String path) {
        return Http.send("GET", admin(path), null, "Authorization", "Bearer " + TOKEN);
    }
}
