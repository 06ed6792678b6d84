package io.drover.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.DroverServer;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.BACKEND_KEY;
import static io.drover.testing.TestDrover.WEB_KEY;
import static io.drover.testing.TestDrover.WEB_USER_HASH_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity store shared by two Drover instances on one Kafka cluster: a browser's ids learned by instance A
 * enrich a backend event that reaches instance B with only a userId, as stored in drover.events.
 */
class SharedIdentityTest {

    private static final TestDrover a = TestDrover.shared();
    private static DroverServer b;
    private static int bPort;

    @BeforeAll
    static void startSecondInstance() throws Exception {
        Path dir = Files.createTempDirectory("drover-identity-b-");
        bPort = FreePorts.next();
        Map<String, String> settings = new HashMap<>();
        settings.put("drover.http.port", String.valueOf(bPort));
        settings.put("drover.http.host", "127.0.0.1");
        settings.put("drover.admin.port", String.valueOf(FreePorts.next()));
        settings.put("drover.data-dir", dir.toString());
        settings.put("drover.integrations-dir", Files.createDirectories(dir.resolve("integrations")).toString());
        settings.put("drover.kafka.bootstrap-servers", a.server.bootstrapServers());
        settings.put("drover.instance-id", "b");
        settings.put("drover.sources.backend.write-key", BACKEND_KEY);
        settings.put("drover.sources.backend.allowed-origins", "");
        b = new DroverServer(settings).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.stop();
        }
    }

    @Test
    void aBackendEventOnAnotherInstanceGetsTheBrowsersIds() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String anonymousId = "anon-" + run;
        String userId = "user-" + run;
        // The browser, through instance A: a page with vendor ids, then the login, its userId proved by the hash the
        // shop's backend computed (a browser's unproved userId links nothing: IdentityTrustTest).
        post(a.url("/v1/page"), WEB_KEY, """
                {"anonymousId":"%s","name":"Home","context":{"providers":{"meta":{"fbp":"fb.1.1732780800000.42"},
                 "google":{"clientId":"1432567890.1732780800"}}}}""".formatted(anonymousId));
        post(a.url("/v1/identify"), WEB_KEY, """
                {"anonymousId":"%s","userId":"%s","traits":{"plan":"pro"},
                 "context":{"userHash":"%s","providers":{"meta":{"fbc":"fb.1.1732780800000.click"}}}}"""
                .formatted(anonymousId, userId, UserHash.of(WEB_USER_HASH_SECRET, userId)));

        // Instance B learns from drover.identity what A knows of both ids.
        IdentityStore known = a.server.context().hasService(IdentityTopic.class).store();
        IdentityStore learned = b.context().hasService(IdentityTopic.class).store();
        for (String key : List.of(IdentityStore.userKey(userId), IdentityStore.anonymousKey(anonymousId))) {
            Identity expected = known.get(key);
            assertThat(expected).as("what instance A knows of %s", key).isNotNull();
            Awaitility.await("instance B learns " + key).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> learned.get(key), l -> l != null && Objects.equals(l.userId(), expected.userId())
                            && Objects.equals(l.anonymousId(), expected.anonymousId())
                            && l.providers().equals(expected.providers()));
        }

        // The order system, through instance B, knows only the user id.
        String messageId = "order-" + UUID.randomUUID();
        post("http://127.0.0.1:" + bPort + "/v1/track", BACKEND_KEY, """
                {"userId":"%s","event":"Order Completed","messageId":"%s","properties":{"revenue":10}}"""
                .formatted(userId, messageId));
        JsonNode event = a.topic.await(messageId).value();
        assertThat(event.get("anonymousId").asText()).isEqualTo(anonymousId);
        assertThat(event.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.1732780800000.42");
        assertThat(event.at("/context/providers/meta/fbc").asText()).isEqualTo("fb.1.1732780800000.click");
        assertThat(event.at("/context/providers/google/clientId").asText()).isEqualTo("1432567890.1732780800");
        assertThat(event.at("/properties/revenue").asInt()).isEqualTo(10);
    }

    private static void post(String url, String key, String body) {
        assertThat(Http.post(url, body, "Authorization", Http.basic(key)).status()).isEqualTo(200);
    }
}
