package io.drover.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.DroverServer;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.BACKEND_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: with {@code drover.identity.memory-only-on-event-loop}, identity lookups never read a file on an event
 * loop. A Drover whose identity store holds 50,000
 * entries on disk and almost nothing in memory (a 1 MB block cache, no heap entries) gets an event whose id only
 * the disk knows: the request's identity work runs on a worker thread, and the event is still enriched and stored.
 */
class IdentityOffLoopTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover shared = TestDrover.shared();
    private static DroverServer drover;
    private static int port;
    private static int adminPort;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("drover-identity-cold-");
        port = FreePorts.next();
        adminPort = FreePorts.next();
        Map<String, String> settings = new HashMap<>();
        settings.put("drover.http.port", String.valueOf(port));
        settings.put("drover.http.host", "127.0.0.1");
        settings.put("drover.admin.port", String.valueOf(adminPort));
        settings.put("drover.data-dir", dir.toString());
        settings.put("drover.integrations-dir", Files.createDirectories(dir.resolve("integrations")).toString());
        settings.put("drover.kafka.bootstrap-servers", shared.server.bootstrapServers());
        settings.put("drover.instance-id", "cold");
        settings.put("drover.identity.cache", "1MB");
        settings.put("drover.identity.heap-entries", "0");
        settings.put("drover.identity.memory-only-on-event-loop", "true");
        settings.put("drover.sources.backend.write-key", BACKEND_KEY);
        settings.put("drover.sources.backend.allowed-origins", "");
        drover = new DroverServer(settings).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (drover != null) {
            drover.stop();
        }
    }

    @Test
    void anEventWhoseIdOnlyTheDiskKnowsIsEnrichedOffTheEventLoop() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long now = System.currentTimeMillis();
        Iterator<Map.Entry<String, Identity>> entries = IntStream.range(0, 50_000)
                .mapToObj(i -> Map.entry(IdentityStore.anonymousKey(run + "-" + i), new Identity(null, run + "-" + i,
                        (ObjectNode) MAPPER.createObjectNode().set("meta", MAPPER.createObjectNode().put("fbp", "fb.1." + i)),
                        now)))
                .iterator();
        IdentityStore store = drover.context().hasService(IdentityTopic.class).store();
        store.db().load(entries);   // flushed to disk; nothing of it in the block cache
        assertThat(store.seeFromMemory(MAPPER.createObjectNode().put("anonymousId", run + "-777"), false))
                .as("the entry needs the disk").isFalse();

        String messageId = "cold-" + UUID.randomUUID();
        assertThat(Http.post("http://127.0.0.1:" + port + "/v1/track", """
                {"anonymousId":"%s-4242","event":"Product Viewed","messageId":"%s"}""".formatted(run, messageId),
                "Authorization", Http.basic(BACKEND_KEY)).status()).isEqualTo(200);
        assertThat(shared.topic.await(messageId).value().at("/context/providers/meta/fbp").asText())
                .isEqualTo("fb.1.4242");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Http.send("GET",
                "http://127.0.0.1:" + adminPort + "/observe/metrics", null).body()
                .matches("(?s).*drover_identity_lookups_off_loop_total(\\{[^}]*\\})? [1-9].*"));
    }
}
