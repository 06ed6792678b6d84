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

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * integrations/linkedin.yaml copied as is into a running Drover's integrations directory, against a stand-in
 * Conversions API on loopback: off (naming both missing settings) until its settings are set; an order over the
 * ingestion API arrives as the exact request the module makes (URL, BATCH_CREATE and version headers, body); an
 * event LinkedIn refuses inside its 200 answer (elements[i].status 400) is dead-lettered with LinkedIn's message and
 * without the token, sent once.
 */
class LinkedInDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "li_delivery_test_token_0123456789";
    private static final String PATH = "/rest/conversionEvents";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("linkedin.yaml");
    private static WireMockServer linkedin;

    @BeforeAll
    static void install() throws Exception {
        linkedin = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        linkedin.start();
        linkedin.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(okJson("{\"elements\":[{\"status\":201}]}")));
        System.setProperty("linkedin.base-url", "http://127.0.0.1:" + linkedin.port());
        System.setProperty("linkedin.batch-size", "1");

        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/linkedin.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        assertThat(drover.server.integrations().errors().get(module))
                .contains("linkedin.conversion-id").contains("linkedin.access-token");
        assertThat(drover.server.integrations().modules().keySet()).doesNotContain(module);

        System.setProperty("linkedin.access-token", TOKEN);
        System.setProperty("linkedin.conversion-id", "104012");
        Modules.running(drover, module, () -> Files.writeString(module, Files.readString(module)));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        for (String s : new String[] {"linkedin.base-url", "linkedin.batch-size", "linkedin.access-token",
                "linkedin.conversion-id"}) {
            System.clearProperty(s);
        }
        linkedin.stop();
    }

    @Test
    void anOrderArrivesAsTheExactRequestTheModuleMakes() throws Exception {
        String id = "li-order-" + UUID.randomUUID();
        send(ModuleUnderTest.fixture("order-completed", id));
        LoggedRequest request = awaitRequests(id).get(0);

        JsonNode stored = drover.topic.await(id).value();
        JsonNode expected = PlaybookModules.requests("linkedin", Map.of("linkedin.conversion-id", "104012",
                "linkedin.access-token", TOKEN, "linkedin.base-url", "http://127.0.0.1:" + linkedin.port()),
                List.of((ObjectNode) stored)).get(0);
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getAbsoluteUrl()).isEqualTo(expected.get("url").asText());
        expected.get("headers").properties().forEach(h ->
                assertThat(request.getHeader(h.getKey())).as(h.getKey()).startsWith(h.getValue().asText()));
        assertThat(request.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(MAPPER.readTree(request.getBodyAsString())).isEqualTo(expected.get("body"));
        assertThat(expected.at("/body/elements/0/eventId").asText()).isEqualTo(id);
        assertThat(request.getHeader("X-RestLi-Method")).isEqualTo("BATCH_CREATE");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void anEventRefusedInsideTheTwoHundredIsDeadLetteredWithLinkedInsMessage() throws Exception {
        String id = "li-refused-" + UUID.randomUUID();
        String answer = "{\"elements\":[{\"status\":400,\"error\":{\"message\":\"conversionHappenedAt is outside the"
                + " attribution window\",\"status\":400}}]}";
        linkedin.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(id)).willReturn(okJson(answer)));
        send(ModuleUnderTest.fixture("order-completed", id));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.linkedin")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !ModuleUnderTest.letters(dlq, id).isEmpty());
            JsonNode letter = ModuleUnderTest.letters(dlq, id).get(0).value();
            assertThat(letter.get("reason").asText())
                    .isEqualTo("the vendor refused the event: conversionHappenedAt is outside the attribution window");
            assertThat(letter.toString()).doesNotContain(TOKEN);
            assertThat(dlq.requestOf(letter).toString()).doesNotContain(TOKEN);
        }
        assertThat(requestsWith(id)).hasSize(1);
        assertThat(TestDrover.LOGS.lines()).noneMatch(l -> l.contains(TOKEN));
    }

    private static void send(ObjectNode event) {
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":[" + event + "]}", "Authorization",
                Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return linkedin.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(id)));
    }

    private static List<LoggedRequest> awaitRequests(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(id).isEmpty());
        return requestsWith(id);
    }
}
