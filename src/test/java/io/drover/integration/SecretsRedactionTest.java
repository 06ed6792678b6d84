package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.drover.support.Redactor;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret reaches a log line, the admin API or a dead letter: one Redactor masks them all, by value (every
 * secret-named setting) and by shape (a secret-named query parameter, an Authorization value). The audit's case: a
 * module URL that is not a valid URI put Meta's {@code ?access_token=...} in clear in 11 WARN lines and 43 dead
 * letters' {@code reason}, while {@code request.url} was masked.
 */
class SecretsRedactionTest {

    private static final String TOKEN = "EAAB-live-token-" + UUID.randomUUID();
    private final TestDrover drover = TestDrover.shared();
    private final Path module = drover.integrationsDir().resolve("meta.yaml");

    @AfterEach
    void remove() throws Exception {
        long before = drover.server.integrations().changes(module);
        if (Files.deleteIfExists(module)) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> drover.server.integrations().changes(module) > before);
        }
        for (String key : List.of("meta.base-url", "meta.access-token", "meta.pixel-id", "meta.batch-size")) {
            System.clearProperty(key);
        }
    }

    @Test
    void secretsAreMaskedByValueAndByShape() {
        Redactor.learnValues(List.of("k3y-by-value-0123"));
        assertThat(Redactor.redact("{\"api_key\":\"k3y-by-value-0123\",\"x\":1}")).isEqualTo("{\"api_key\":\"xxxxxx\",\"x\":1}");
        assertThat(Redactor.redact("POST https://graph.example/v1/1/events?access_token=abc.def&x=1"))
                .isEqualTo("POST https://graph.example/v1/1/events?access_token=xxxxxx&x=1");
        assertThat(Redactor.redact("Illegal character in path at index 30: http://h/a b/c?api_secret=s_123#f"))
                .doesNotContain("s_123");
        assertThat(Redactor.redact("Authorization: Bearer abc.DEF-ghi_123")).isEqualTo("Authorization: Bearer xxxxxx");
        assertThat(Redactor.redact("the event Signed Up")).isEqualTo("the event Signed Up");
    }

    @Test
    void aModuleUrlThatIsNotAUriLeaksNoToken() throws Exception {
        // The base URL has a space: the URL Meta's bean builds, with ?access_token=, is not a valid URI.
        System.setProperty("meta.base-url", "http://127.0.0.1:" + drover.vendor.port() + "/bad path");
        System.setProperty("meta.access-token", TOKEN);
        System.setProperty("meta.pixel-id", "1234567890");
        System.setProperty("meta.batch-size", "10");
        long before = drover.server.integrations().changes(module);
        Files.copy(Path.of("integrations/meta.yaml"), module);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> drover.server.integrations().changes(module) > before);

        String id = "redact-" + UUID.randomUUID();
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"u-redact\",\"event\":\"Order Completed\","
                + "\"messageId\":\"" + id + "\",\"properties\":{\"revenue\":5,\"currency\":\"EUR\"}}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);

        boolean running = drover.server.integrations().modules().containsKey(module);
        if (running) {
            // It started: the failure is per request, and its dead letter says why, without the token.
            try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.meta")) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !dlq.where(e -> e.raw() != null
                        && new String(e.raw()).contains(id)).isEmpty());
                assertThat(dlq.where(e -> new String(e.raw()).contains(TOKEN))).as("dead letters with the token").isEmpty();
            }
        } else {
            // Refused at load: the reason is in /admin/integrations, without the token.
            assertThat(drover.server.integrations().errors().get(module)).isNotBlank();
        }
        assertThat(Http.send("GET", drover.adminUrl("/admin/integrations"), null).body()).doesNotContain(TOKEN);
        assertThat(TestDrover.LOGS.lines().stream().filter(l -> l.contains(TOKEN)).toList()).as("log lines with the token")
                .isEmpty();
        assertThat(TestDrover.LOGS.lines().stream().anyMatch(l -> l.contains("meta"))).isTrue();
    }
}
