package io.drover.destinations;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole catalogue dropped in at once with only Meta's and GA4's secrets set: those two send, every other module
 * stays off and says which setting it misses, and nothing else reaches any vendor.
 */
class CatalogueTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final List<Path> copied = new ArrayList<>();
    private static WireMockServer vendors;

    @BeforeAll
    static void dropEverythingIn() throws Exception {
        vendors = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendors.start();
        // Meta answers events_received; GA4 answers 204 in production, any 2xx will do here.
        vendors.stubFor(any(anyUrl()).willReturn(okJson("{\"events_received\":1,\"code\":0}")));
        String base = "http://127.0.0.1:" + vendors.port();
        System.setProperty("meta.pixel-id", "1234567890");
        System.setProperty("meta.access-token", "meta-token-catalogue");
        System.setProperty("meta.base-url", base);
        System.setProperty("ga4.measurement-id", "G-CATALOGUE");
        System.setProperty("ga4.api-secret", "ga4-secret-catalogue");
        System.setProperty("ga4.base-url", base);
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(Path.of("integrations"), "*.yaml")) {
            for (Path module : modules) {
                Path target = drover.integrationsDir().resolve(module.getFileName());
                if (!Files.exists(target)) { // the shared Drover already runs the webhook
                    copied.add(target);
                }
            }
        }
        // All at once; then each is loaded (or refused, with its reason).
        Modules.applied(drover, copied, () -> {
            for (Path target : copied) {
                Files.copy(Path.of("integrations").resolve(target.getFileName()), target);
            }
        });
    }

    @AfterAll
    static void removeThem() throws Exception {
        // Gone from the running Drover before the next test class drops its own copy of one of them in.
        List<Path> present = copied.stream().filter(Files::exists).toList();
        Modules.applied(drover, present, () -> {
            for (Path p : present) {
                Files.delete(p);
            }
        });
        String admin = Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
        assertThat(copied).noneMatch(p -> admin.contains("\"" + p.getFileName() + "\""));
        for (String key : List.of("meta.pixel-id", "meta.access-token", "meta.base-url", "ga4.measurement-id",
                "ga4.api-secret", "ga4.base-url")) {
            System.clearProperty(key);
        }
        vendors.stop();
    }

    @Test
    void onlyTheVendorsWhoseSecretsAreSetSendAnything() throws Exception {
        assertThat(copied).extracting(p -> p.getFileName().toString())
                .contains("meta.yaml", "ga4.yaml", "tiktok.yaml", "amplitude.yaml", "mixpanel.yaml", "braze.yaml",
                        "kafka-sink.yaml");
        // Every module without its secrets is reported, by file, with the missing setting.
        JsonNode errors = errors();
        for (Path module : copied) {
            String file = module.getFileName().toString();
            if (file.equals("meta.yaml") || file.equals("ga4.yaml")) {
                assertThat(errors.has(file)).as(file + " runs").isFalse();
            } else {
                assertThat(errors.path(file).asText()).as(file).startsWith("missing setting");
            }
        }
        // Events flow to Meta and GA4: loaded, they read every event from then on (once each has read what its
        // consumer group left unread, if it ran before in this suite).
        for (String running : List.of("meta", "ga4")) {
            Modules.assertRunning(drover, drover.integrationsDir().resolve(running + ".yaml"));
            Modules.caughtUp(drover, running);
        }
        send();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> !calls("/events").isEmpty() && !calls("/mp/collect").isEmpty());
        for (LoggedRequest call : vendors.getAllServeEvents().stream().map(e -> e.getRequest()).toList()) {
            assertThat(call.getUrl()).as("only Meta and GA4 are called")
                    .matches("/v[0-9.]+/1234567890/events\\?access_token=.*|/mp/collect\\?measurement_id=G-CATALOGUE&api_secret=.*");
        }
    }

    private static JsonNode errors() throws Exception {
        return MAPPER.readTree(Http.send("GET", drover.adminUrl("/admin/integrations"), null).body()).path("errors");
    }

    private static List<LoggedRequest> calls(String pathPart) {
        return vendors.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().contains(pathPart)).toList();
    }

    private static void send() {
        String id = "catalogue-" + UUID.randomUUID();
        assertThat(Http.post(drover.url("/v1/track"), """
                {"userId":"catalogue-user","anonymousId":"catalogue-anon","event":"Order Completed","messageId":"%s",
                 "properties":{"revenue":10,"currency":"USD","order_id":"o-1"},
                 "context":{"userAgent":"Mozilla/5.0 (X11; Linux x86_64)","ip":"203.0.113.9","traits":{"email":"a@example.com"}}}"""
                .formatted(id), "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }
}
