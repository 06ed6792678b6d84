package io.drover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.drover.buffer.EmbeddedKafkaBroker;
import io.drover.buffer.EventBuffer;
import io.drover.buffer.EventTopic;
import io.drover.config.Settings;
import io.drover.config.Sources;
import io.drover.ingest.IngestService;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drover as a running server: Camel Main with the platform-http server, the routes in {@code routes/}, the event
 * buffer (an external Kafka cluster, or a broker embedded in this JVM) and the ingestion API.
 *
 * <p>Start-up order: settings, then the embedded broker (if any) and the topic, then Camel's routes and HTTP server,
 * then the ingestion API is mounted. Shutdown runs the other way: ingestion stops taking requests and answers those in
 * flight, the routes stop (the Kafka producer flushes), and the broker stops last.
 */
public final class DroverServer {

    private static final Logger LOG = LoggerFactory.getLogger(DroverServer.class);

    private final Main main;
    private final Lifecycle lifecycle = new Lifecycle();

    /** @param overrides settings that win over every other source (used by tests and the command line) */
    public DroverServer(Map<String, String> overrides) {
        main = new Main(DroverServer.class);
        overrides.forEach(main::addOverrideProperty);
        main.addMainListener(lifecycle);
    }

    /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C). */
    public void run() throws Exception {
        try {
            main.run();
        } finally {
            lifecycle.stopBroker();
        }
    }

    /** Starts without blocking (tests). */
    public DroverServer start() throws Exception {
        try {
            main.start();
        } catch (Exception | Error e) {
            lifecycle.stopBroker();
            throw e;
        }
        return this;
    }

    public void stop() {
        try {
            main.stop();
        } finally {
            lifecycle.stopBroker();
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int httpPort() {
        VertxPlatformHttpServer server = context().hasService(VertxPlatformHttpServer.class);
        return server != null ? server.getPort() : -1;
    }

    public String bootstrapServers() {
        return lifecycle.bootstrapServers;
    }

    public Sources sources() {
        return lifecycle.sources;
    }

    public IngestService ingestion() {
        return lifecycle.ingest;
    }

    /** Wires Drover's parts into Camel's start and stop. */
    private static final class Lifecycle extends MainListenerSupport {
        private EmbeddedKafkaBroker broker;
        private String bootstrapServers;
        private Sources sources;
        private IngestService ingest;

        @Override
        public void beforeConfigure(BaseMainSupport main) {
            CamelContext context = main.getCamelContext();
            Settings settings = new Settings(context);
            try {
                Path dataDir = Path.of(settings.string("drover.data-dir", "./data")).toAbsolutePath().normalize();
                Files.createDirectories(dataDir);
                bootstrapServers = startBuffer(context, settings, dataDir);
                sources = Sources.load(context, settings, dataDir);
                EventBuffer buffer = new EventBuffer(context);
                context.addService(buffer, true, false);
                ingest = new IngestService(settings, sources, buffer);
                context.addLifecycleStrategy(new LifecycleStrategySupport() {
                    @Override
                    public void onContextStarted(CamelContext ctx) {
                        ServiceStarted.mount(ctx, ingest, sources, settings);
                    }

                    @Override
                    public void onContextStopping(CamelContext ctx) {
                        try {
                            ingest.drain();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        private String startBuffer(CamelContext context, Settings settings, Path dataDir) throws Exception {
            String bootstrap = settings.string("drover.kafka.bootstrap-servers", "");
            Optional<Short> replication = settings.get("drover.kafka.replication-factor").map(Short::parseShort);
            if (bootstrap.isEmpty()) {
                broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"),
                        settings.string("drover.kafka.embedded.host", "127.0.0.1"),
                        settings.integer("drover.kafka.embedded.port", 9092),
                        settings.integer("drover.kafka.embedded.controller-port", 9093),
                        settings.bool("drover.kafka.embedded.fsync", false),
                        settings.integer("drover.kafka.embedded.retention-hours", 168));
                broker.start();
                // Stopped by Camel after the routes (and so the producer) have stopped.
                context.addService(broker, true, false);
                bootstrap = broker.bootstrapServers();
                replication = Optional.of((short) 1);
            } else {
                LOG.info("Using the Kafka cluster at {}", bootstrap);
            }
            EventTopic.ensure(bootstrap, settings.string("drover.kafka.topic", "drover.events"),
                    settings.integer("drover.kafka.partitions", 6), replication);
            context.getComponent("kafka", KafkaComponent.class).getConfiguration().setBrokers(bootstrap);
            return bootstrap;
        }

        void stopBroker() {
            if (broker != null) {
                broker.stop();
            }
        }
    }

    /** What happens once Camel is up: the ingestion API goes live and the first-run banner is printed. */
    private static final class ServiceStarted {
        static void mount(CamelContext context, IngestService ingest, Sources sources, Settings settings) {
            VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
            int port = server != null ? server.getPort() : settings.integer("drover.http.port", 8080);
            ingest.mount(context, port);
            LOG.info("Drover is taking events on port {} for sources {}", port, sources.names());
            if (sources.isGeneratedDefault()) {
                // The generated key of the first-run default source is shown once on the console, never logged.
                String key = sources.all().get(0).writeKey();
                System.out.printf("%nDrover runs with its embedded default. Write key of the 'default' source: %s%n"
                        + "Try it:%n  curl -u '%s:' -H 'Content-Type: application/json' "
                        + "-d '{\"userId\":\"u1\",\"event\":\"Signed Up\"}' http://localhost:%d/v1/track%n%n",
                        key, key, port);
            }
        }
    }
}
