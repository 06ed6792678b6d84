package io.drover.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.drover.DroverServer;

/**
 * One Drover for the whole test run, started in this JVM on free ports with a fresh data directory, and a reader of
 * its topic. With {@code -Ddrover.test.kafka=external} it runs against a Kafka broker in a separate process instead
 * of its embedded one: the same tests then cover an external cluster.
 */
public final class TestDrover {

    public static final String WEB_KEY = "wk_web_0123456789";
    public static final String BACKEND_KEY = "wk_backend_0123456789";
    public static final String OPEN_KEY = "wk_open_0123456789";
    /** A source whose batches are refused whole when one message is invalid. */
    public static final String STRICT_KEY = "wk_strict_0123456789";
    /** The web source's secret for identity verification: its pages prove a userId with this HMAC (context.userHash). */
    public static final String WEB_USER_HASH_SECRET = "uhs_test_0123456789abcdef0123456789abcdef";
    /** A browser source that believes the userIds it is sent (trust-user-ids=true, the unsafe opt-out). */
    public static final String TRUSTING_KEY = "wk_trusting_0123456789";
    public static final String WEB_ORIGIN = "https://shop.example";
    public static final String TOPIC = "drover.events";
    public static final String WEBHOOK_SECRET = "whsec_test_0123456789";

    private static TestDrover shared;

    public final DroverServer server;
    public final TopicReader topic;
    public final Path dataDir;
    public final boolean externalKafka;
    /** The stand-in vendor behind the shipped webhook module (integrations/webhook.yaml, copied as is). */
    public final WireMockServer vendor;
    private final ExternalKafka external;

    private TestDrover(DroverServer server, TopicReader topic, Path dataDir, ExternalKafka external, WireMockServer vendor) {
        this.server = server;
        this.vendor = vendor;
        this.topic = topic;
        this.dataDir = dataDir;
        this.external = external;
        this.externalKafka = external != null;
    }

    public static synchronized TestDrover shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start Drover for the tests", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /** Every log line of the run, to check what never reaches the logs. */
    public static final LogCapture LOGS = LogCapture.install();

    private static TestDrover start() throws Exception {
        Path dataDir = Files.createTempDirectory("drover-test-");
        ExternalKafka external = null;
        Map<String, String> settings = new HashMap<>();
        if ("external".equals(System.getProperty("drover.test.kafka"))) {
            external = ExternalKafka.start(dataDir.resolve("external-kafka"));
            settings.put("drover.kafka.bootstrap-servers", external.bootstrapServers());
        } else {
            settings.put("drover.kafka.embedded.port", String.valueOf(FreePorts.next()));
            settings.put("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next()));
        }
        settings.put("drover.http.port", String.valueOf(FreePorts.next()));
        // Tests listen on loopback only.
        settings.put("drover.http.host", "127.0.0.1");
        settings.put("drover.admin.port", String.valueOf(FreePorts.next()));
        settings.put("drover.data-dir", dataDir.toString());
        settings.put("drover.sources.web.write-key", WEB_KEY);
        settings.put("drover.sources.web.allowed-origins", WEB_ORIGIN + ",https://www.shop.example,https://*.shop.example");
        settings.put("drover.sources.web.user-hash-secret", WEB_USER_HASH_SECRET);
        settings.put("drover.sources.backend.write-key", BACKEND_KEY);
        settings.put("drover.sources.backend.allowed-origins", "");
        settings.put("drover.sources.open.write-key", OPEN_KEY);
        // Any origin may send; the shop pages of the browser tests (127.0.0.1, any port) are named, so they get
        // credentials and the anonymous-id cookie, which an origin allowed only by '*' never gets.
        settings.put("drover.sources.open.allowed-origins", "*,http://127.0.0.1:*");
        settings.put("drover.sources.strict.write-key", STRICT_KEY);
        settings.put("drover.sources.strict.strict-batches", "true");
        settings.put("drover.sources.trusting.write-key", TRUSTING_KEY);
        settings.put("drover.sources.trusting.trust-user-ids", "true");
        settings.put("drover.http.trusted-proxies", "127.0.0.1,10.0.0.0/8");
        settings.put("drover.kafka.partitions", "3");
        // The shared Drover plays one of several instances: tests write to its topic as another instance would
        // (StoredTwiceTest), so it follows the topic even on its embedded broker. StoredIdsAloneTest covers "auto".
        settings.put("drover.ingest.dedupe-across-instances", "true");
        WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook")).atPriority(10).willReturn(WireMock.ok()));
        Path integrations = Files.createDirectories(dataDir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        settings.put("drover.integrations-dir", integrations.toString());
        settings.put("drover.secrets-dir", Files.createDirectories(dataDir.resolve("secrets")).toString());
        settings.put("drover.delivery.allow-private-targets", "true");
        settings.put("webhook.url", "http://127.0.0.1:" + vendor.port() + "/hook");
        settings.put("webhook.secret", WEBHOOK_SECRET);
        // A vendor that does not answer within 3 s counts as timed out (30 s in production).
        settings.put("camel.component.http.response-timeout", "3000");
        DroverServer server = new DroverServer(settings).start();
        // Ready: the buffer takes writes, the dedupe window is restored and the shipped webhook module reads.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> server.readiness().ready());
        TopicReader topic = new TopicReader(server.bootstrapServers(), TOPIC);
        return new TestDrover(server, topic, dataDir, external, vendor);
    }

    /** The integrations directory this Drover watches (a copy of the shipped webhook module is in it). */
    public Path integrationsDir() {
        return dataDir.resolve("integrations");
    }

    /** The secrets directory this Drover watches (empty at start). */
    public Path secretsDir() {
        return dataDir.resolve("secrets");
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.httpPort() + path;
    }

    public String adminUrl(String path) {
        return "http://127.0.0.1:" + server.context().getPropertiesComponent().parseUri("{{drover.admin.port}}") + path;
    }

    public int port() {
        return server.httpPort();
    }

    private void stop() {
        try {
            topic.close();
            server.stop();
            vendor.stop();
            if (external != null) {
                external.close();
            }
        } catch (Exception e) {
            // the JVM is exiting
        }
    }
}
