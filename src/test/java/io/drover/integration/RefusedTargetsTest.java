package io.drover.integration;

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
import io.drover.testing.LogCapture;
import io.drover.testing.TestDrover;
import org.apache.camel.component.http.HttpComponent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Drover of its own with private targets refused (the default), whose modules point at a stand-in on 127.0.0.1:
 * the shipped webhook by its literal address, one module by the name localhost, one by the IPv4-compatible IPv6
 * form of 127.0.0.1. None of them starts, each says why in the log and in /admin/integrations, and the stand-in
 * receives no request while events are ingested.
 */
class RefusedTargetsTest {

    private static final String KEY = "wk_refused_0123456789";
    private static final int ADMIN_PORT = FreePorts.next();
    private static final WireMockServer standIn =
            new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private static DroverServer drover;
    /** Installed before the server starts: its module errors are logged during the start. */
    private static final LogCapture LOGS = TestDrover.LOGS;

    @BeforeAll
    static void start() throws Exception {
        standIn.start();
        standIn.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.ok()));
        Path dir = Files.createTempDirectory("drover-refused-");
        Path integrations = Files.createDirectories(dir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        Files.writeString(integrations.resolve("hook-localhost.yaml"), hook("hook-localhost", "localhost"));
        Files.writeString(integrations.resolve("hook-compatible.yaml"), hook("hook-compatible", "[::127.0.0.1]"));
        drover = new DroverServer(Map.ofEntries(
                Map.entry("drover.http.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.http.host", "127.0.0.1"),
                Map.entry("drover.admin.port", String.valueOf(ADMIN_PORT)),
                Map.entry("drover.kafka.embedded.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.partitions", "1"),
                Map.entry("drover.data-dir", dir.toString()),
                Map.entry("drover.integrations-dir", integrations.toString()),
                Map.entry("drover.sources.shop.write-key", KEY),
                Map.entry("drover.delivery.allow-private-targets", "false"),
                Map.entry("webhook.url", "http://127.0.0.1:" + standIn.port() + "/hook"),
                Map.entry("webhook.secret", "whsec_refused"))).start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> drover.readiness().ready());
    }

    private static String hook(String name, String host) {
        return """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: %s
                    parameters:
                      - name: name
                        value: %s
                      - name: endpoint
                        value: "http://%s:%d/%s"
                      - name: batchSize
                        value: "1"
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: "whsec_refused"
                """.formatted(name, name, host, standIn.port(), name);
    }

    @AfterAll
    static void stop() {
        if (drover != null) {
            drover.stop();
        }
        standIn.stop();
    }

    @Test
    void modulesWithRefusedTargetsDoNotStartAndSayWhyWhileTheStandInHearsNothing() throws Exception {
        assertThat(drover.integrations().modules()).isEmpty();
        JsonNode listing = Http.send("GET", "http://127.0.0.1:" + ADMIN_PORT + "/admin/integrations", null).json();
        assertThat(listing.get("modules").size()).isZero();
        JsonNode errors = listing.get("errors");
        assertThat(errors.get("webhook.yaml").asText())
                .contains("the endpoint http://127.0.0.1:" + standIn.port() + "/hook is refused")
                .contains("127.0.0.1 is 127.0.0.0/8 loopback (RFC 1122)").contains(TargetGuard.SETTING + "=true");
        assertThat(errors.get("hook-localhost.yaml").asText()).contains("localhost is 127.0.0.1, 127.0.0.0/8 loopback");
        assertThat(errors.get("hook-compatible.yaml").asText())
                .contains("::/96 IPv4-compatible, deprecated (RFC 4291), which embeds 127.0.0.1: 127.0.0.0/8 loopback");
        assertThat(LOGS.lines()).anyMatch(line -> line.startsWith("Integration module webhook.yaml not started:")
                && line.contains("127.0.0.0/8 loopback"));

        for (int i = 0; i < 5; i++) {
            assertThat(Http.post("http://127.0.0.1:" + drover.httpPort() + "/v1/track",
                    "{\"userId\":\"u" + i + "\",\"event\":\"Order Completed\"}", "Authorization", Http.basic(KEY)).status())
                    .isEqualTo(200);
        }
        // No integration route exists to send anything (none started): the stand-in has had no request, nor can it.
        assertThat(drover.context().getRoutes().stream().map(r -> r.getEndpoint().getEndpointUri()))
                .noneMatch(uri -> uri.startsWith("drover-events:"));
        assertThat(standIn.getAllServeEvents()).isEmpty();
    }

    @Test
    void camelHttpIsDroversGuardedComponentForBothSchemesWithTheSettingsOfHttp() {
        HttpComponent http = drover.context().getComponent("http", HttpComponent.class);
        assertThat(http).isInstanceOf(GuardedHttpComponent.class);
        assertThat(((GuardedHttpComponent) http).guard().allowsPrivateTargets()).isFalse();
        assertThat(drover.context().getComponent("https")).isSameAs(http);
        // application.properties' camel.component.http.* reach it (and so the https URLs of every vendor).
        assertThat(http.getConnectTimeout()).isEqualTo(5000);
        assertThat(http.getResponseTimeout()).isEqualTo(30000);
        assertThat(http.isAutomaticRetriesDisabled()).isTrue();
        assertThat(http.isRedirectHandlingDisabled()).isTrue();
    }
}
