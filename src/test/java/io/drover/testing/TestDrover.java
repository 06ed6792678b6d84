package io.drover.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
    public static final String WEB_ORIGIN = "https://shop.example";
    public static final String TOPIC = "drover.events";

    private static TestDrover shared;

    public final DroverServer server;
    public final TopicReader topic;
    public final Path dataDir;
    public final boolean externalKafka;
    private final ExternalKafka external;

    private TestDrover(DroverServer server, TopicReader topic, Path dataDir, ExternalKafka external) {
        this.server = server;
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
        settings.put("drover.admin.port", String.valueOf(FreePorts.next()));
        settings.put("drover.data-dir", dataDir.toString());
        settings.put("drover.sources.web.write-key", WEB_KEY);
        settings.put("drover.sources.web.allowed-origins", WEB_ORIGIN + ",https://www.shop.example");
        settings.put("drover.sources.backend.write-key", BACKEND_KEY);
        settings.put("drover.sources.backend.allowed-origins", "");
        settings.put("drover.sources.open.write-key", OPEN_KEY);
        settings.put("drover.http.trusted-proxies", "127.0.0.1,10.0.0.0/8");
        settings.put("drover.kafka.partitions", "3");
        DroverServer server = new DroverServer(settings).start();
        TopicReader topic = new TopicReader(server.bootstrapServers(), TOPIC);
        return new TestDrover(server, topic, dataDir, external);
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
            if (external != null) {
                external.close();
            }
        } catch (Exception e) {
            // the JVM is exiting
        }
    }
}
