package io.drover.integration;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.drover.cli.ReplayCommand;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dead letters go back through their integration, by the admin endpoint or the command: while the vendor still
 * refuses, a replayed event becomes a dead letter again (never lost); once it accepts, the event is delivered.
 */
class ReplayTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void deadLettersAreDeliveredOnceTheVendorRecovers() throws Exception {
        String id = "replay-" + UUID.randomUUID();
        Instant since = Instant.now().minusSeconds(1);
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"not yet\"}")));
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"replay-user\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);

        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.webhook")) {
            awaitLetters(dlq, id, 1);

            // Replayed while the vendor still says 400: back to the dead-letter topic.
            Http.Response r = Http.send("POST", drover.adminUrl("/admin/integrations/webhook/replay?since=" + since), null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("replayed").asInt()).isEqualTo(1);
            awaitLetters(dlq, id, 2);

            // The vendor recovers; the command replays, and the event arrives.
            drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id)).willReturn(aResponse().withStatus(200)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = ReplayCommand.run(List.of("webhook", "--since", since.toString(), "--bootstrap-servers",
                    drover.server.bootstrapServers()), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertThat(status).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Replayed 2 dead letters of webhook");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.vendor.findAll(
                    postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).size() >= 3);
        }
    }

    @Test
    void replayingAnUnknownIntegrationSaysSo() {
        Http.Response r = Http.send("POST", drover.adminUrl("/admin/integrations/nosuch/replay"), null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asText()).isEqualTo("unknown_integration");
        assertThat(r.json().get("message").asText()).contains("drover.dlq.nosuch");
    }

    private static void awaitLetters(TopicReader dlq, String id, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).size() >= count);
    }
}
