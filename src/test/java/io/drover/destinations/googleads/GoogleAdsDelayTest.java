package io.drover.destinations.googleads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Google Ads module with its delay (google-ads.delay, 6 hours by default: Google takes a click conversion
 * only 6 hours after the click; 3 seconds here): a conversion is uploaded only once that long has passed since Drover
 * received it; meanwhile it is held in Kafka, shown as held in the metrics and by /admin/integrations, and a restart
 * of the module's consumer (its file rewritten) neither loses it nor sends it early.
 */
class GoogleAdsDelayTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("google-ads.yaml");
    private static final WireMockServer ads =
            new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private static final String PATH = "/v26/customers/1234567890:uploadClickConversions";
    private static final long DELAY_MS = 3_000;
    private static final String[] SETTINGS = {"google-ads.customer-id", "google-ads.conversion-action",
        "google-ads.developer-token", "google-ads.client-id", "google-ads.client-secret", "google-ads.refresh-token",
        "google-ads.token-url", "google-ads.base-url", "google-ads.delay"};

    @BeforeAll
    static void install() throws Exception {
        ads.start();
        ads.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"results\":[{}],\"jobId\":\"45\"}")));
        ads.stubFor(post(urlEqualTo("/token"))
                .willReturn(okJson("{\"access_token\":\"ya29.delay-token\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        System.setProperty("google-ads.customer-id", "123-456-7890");
        System.setProperty("google-ads.conversion-action", "987654321");
        System.setProperty("google-ads.developer-token", "dev-token-delay");
        System.setProperty("google-ads.client-id", "delay-client.apps.googleusercontent.com");
        System.setProperty("google-ads.client-secret", "delay-client-secret");
        System.setProperty("google-ads.refresh-token", "1//delay-refresh-token");
        System.setProperty("google-ads.token-url", "http://127.0.0.1:" + ads.port() + "/token");
        System.setProperty("google-ads.base-url", "http://127.0.0.1:" + ads.port());
        System.setProperty("google-ads.delay", DELAY_MS / 1000 + "s");
        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/google-ads.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        Modules.assertRunning(drover, module);
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        for (String s : SETTINGS) {
            System.clearProperty(s);
        }
        ads.stop();
    }

    @Test
    void aConversionIsHeldUntilTheDelayHasPassedVisiblyAndThroughARestart() throws Exception {
        String gclid = "held-" + UUID.randomUUID();
        long sentAt = System.currentTimeMillis();
        send(order(gclid));

        // Held: the admin API and the metrics say so, and Google has nothing yet.
        Awaitility.await("the conversion shows as held").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> held().path("events").asLong() >= 1);
        assertThat(requestsWith(gclid)).as("nothing uploaded while held").isEmpty();
        assertThat(held().path("delaySeconds").asDouble()).isEqualTo(DELAY_MS / 1000.0);
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body())
                .containsPattern("drover_integration_held\\{integration=\"google-ads\"\\} [1-9]");

        // The module's consumer restarts while it holds the event (its file written again): nothing was committed
        // past it, so the new consumer reads it again and holds it until it is due.
        Modules.applied(drover, module, () -> Files.writeString(module, Files.readString(module)));
        Modules.assertRunning(drover, module);

        Awaitility.await("the upload once due").atMost(Duration.ofSeconds(60)).until(() -> !requestsWith(gclid).isEmpty());
        LoggedRequest upload = requestsWith(gclid).get(0);
        assertThat(upload.getLoggedDate().getTime() - sentAt).as("uploaded only once the delay had passed")
                .isGreaterThanOrEqualTo(DELAY_MS);
        Awaitility.await("nothing held any more").atMost(Duration.ofSeconds(30)).until(() -> held().path("events").asLong() == 0);
        assertThat(requestsWith(gclid)).as("uploaded once, whatever the restart").hasSize(1);
    }

    /** What /admin/integrations says the google-ads integration holds ({} when nothing). */
    private static JsonNode held() throws Exception {
        return MAPPER.readTree(Http.send("GET", drover.adminUrl("/admin/integrations"), null).body())
                .path("held").path("google-ads");
    }

    private static ObjectNode order(String gclid) throws Exception {
        ObjectNode e = (ObjectNode) MAPPER.readTree("""
                {"type":"track","event":"Order Completed","userId":"held-buyer","messageId":"ads-held-%s",
                 "properties":{"order_id":"order-%s","total":12.5,"currency":"EUR"},
                 "context":{"providers":{"google":{"gclid":"%s"}}}}
                """.formatted(UUID.randomUUID(), gclid, gclid));
        return e;
    }

    private static void send(ObjectNode event) {
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":[" + event + "]}", "Authorization", Http.basic(WEB_KEY))
                .status()).isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String text) {
        return ads.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(text)));
    }
}
