package io.drover.playbook.modules;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import io.drover.destinations.ModuleUnderTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * integrations/posthog.yaml copied as is into a running Drover, against a stand-in /batch/ on loopback: the exact
 * request for a page, and the project key, which PostHog takes in the body, masked in the dead letter of a batch
 * PostHog refuses (the dead letter keeps the request body).
 */
class PostHogDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY = "phc_delivery_test_key_0123456789";
    private static final String PATH = "/batch/";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("posthog.yaml");
    private static WireMockServer posthog;

    @BeforeAll
    static void install() throws Exception {
        posthog = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        posthog.start();
        posthog.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(okJson("{\"status\":1}")));
        System.setProperty("posthog.base-url", "http://127.0.0.1:" + posthog.port());
        System.setProperty("posthog.batch-size", "1");
        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/posthog.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        assertThat(drover.server.integrations().errors().get(module))
                .isEqualTo("missing setting posthog.api-key (environment variable POSTHOG_API_KEY)");
        System.setProperty("posthog.api-key", KEY);
        Modules.running(drover, module, () -> Files.writeString(module, Files.readString(module)));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        for (String s : new String[] {"posthog.base-url", "posthog.batch-size", "posthog.api-key"}) {
            System.clearProperty(s);
        }
        posthog.stop();
    }

    @Test
    void aPageArrivesAsTheExactRequestTheModuleMakes() throws Exception {
        String id = "ph-page-" + UUID.randomUUID();
        send(ModuleUnderTest.fixture("page", id));
        LoggedRequest request = awaitRequests(id).get(0);
        JsonNode stored = drover.topic.await(id).value();
        JsonNode expected = PlaybookModules.requests("posthog", Map.of("posthog.api-key", KEY, "posthog.base-url",
                "http://127.0.0.1:" + posthog.port()), List.of((ObjectNode) stored)).get(0);
        assertThat(request.getAbsoluteUrl()).isEqualTo(expected.get("url").asText());
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(MAPPER.readTree(request.getBodyAsString())).isEqualTo(expected.get("body"));
        assertThat(expected.at("/body/batch/0/event").asText()).isEqualTo("$pageview");
        assertThat(expected.at("/body/api_key").asText()).isEqualTo(KEY);
    }

    @Test
    void theKeyInTheBodyIsMaskedInTheDeadLetterOfARefusedBatch() throws Exception {
        String id = "ph-refused-" + UUID.randomUUID();
        posthog.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(id))
                .willReturn(aResponse().withStatus(400).withBody("{\"type\":\"validation_error\",\"code\":\"invalid_payload\"}")));
        send(ModuleUnderTest.fixture("custom-track", id));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.posthog")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !ModuleUnderTest.letters(dlq, id).isEmpty());
            JsonNode letter = ModuleUnderTest.letters(dlq, id).get(0).value();
            assertThat(letter.get("status").asInt()).isEqualTo(400);
            assertThat(dlq.requestOf(letter).at("/body/batch/0/properties/drover_message_id").asText()).isEqualTo(id);
            assertThat(dlq.requestOf(letter).at("/body/api_key").asText()).isEqualTo("xxxxxx");
            assertThat(letter.toString()).doesNotContain(KEY);
            assertThat(dlq.requestOf(letter).toString()).doesNotContain(KEY);
        }
        assertThat(TestDrover.LOGS.lines()).noneMatch(l -> l.contains(KEY));
    }

    private static void send(ObjectNode event) {
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":[" + event + "]}", "Authorization",
                Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return posthog.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(id)));
    }

    private static List<LoggedRequest> awaitRequests(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(id).isEmpty());
        return requestsWith(id);
    }
}
