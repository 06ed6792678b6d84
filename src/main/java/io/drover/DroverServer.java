package io.drover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.drover.buffer.BufferGate;
import io.drover.buffer.DiskFloor;
import io.drover.buffer.EmbeddedKafkaBroker;
import io.drover.buffer.EventBuffer;
import io.drover.buffer.EventTopic;
import io.drover.config.Ports;
import io.drover.console.AdminApi;
import io.drover.console.AdminBinding;
import io.drover.config.SecretsDirectory;
import io.drover.health.MetricConventions;
import io.drover.config.Settings;
import io.drover.config.Sources;
import io.drover.health.GateHealthCheck;
import io.drover.health.Readiness;
import io.drover.health.Vitals;
import io.drover.support.Redactor;
import io.drover.ingest.IngestServer;
import io.drover.identity.IdentityStore;
import io.drover.identity.IdentityTopic;
import io.drover.ingest.IngestService;
import io.drover.integration.DroverIntegrations;
import io.drover.integration.EventsComponent;
import io.drover.integration.IntegrationModules;
import io.drover.integration.ModuleWatcher;
import io.drover.tag.TagService;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.health.HealthCheckRegistry;
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
        // Camel's loadProperties() does not return override properties: their secrets are learned here.
        io.drover.support.Redactor.learn(new java.util.HashMap<>(overrides));
        main.addMainListener(lifecycle);
    }

    /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C). */
    public void run() throws Exception {
        try {
            main.run();
        } catch (Exception | Error e) {
            stopQuietly();
            throw e;
        } finally {
            lifecycle.stopBroker();
        }
    }

    private void stopQuietly() {
        try {
            main.stop();
        } catch (Exception e) {
            LOG.debug("Stopping after a failed start", e);
        }
    }

    /** Starts without blocking (tests). */
    public DroverServer start() throws Exception {
        try {
            main.start();
        } catch (Exception | Error e) {
            stopQuietly();
            lifecycle.stopBroker();
            throw e;
        }
        // main.start() does not call MainListener.afterStart (only run() does).
        lifecycle.loadModules();
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
        return lifecycle.server.port();
    }

    public String bootstrapServers() {
        return lifecycle.bootstrapServers;
    }

    /** The ingestion port's HTTP server. */
    public IngestServer ingestServer() {
        return lifecycle.server;
    }

    public IngestService ingestion() {
        return lifecycle.ingest;
    }

    public IntegrationModules integrations() {
        return lifecycle.modules;
    }

    /** Drover's readiness: the buffer takes writes and every module present at start reads its events. */
    public Readiness readiness() {
        return lifecycle.readiness;
    }

    /** Wires Drover's parts into Camel's start and stop. */
    private static final class Lifecycle extends MainListenerSupport {
        private EmbeddedKafkaBroker broker;
        /** Free-space floor of the embedded broker's log directory (none with an external cluster, or when 0). */
        private DiskFloor diskFloor;
        private String bootstrapServers;
        private Sources sources;
        private IngestService ingest;
        private IngestServer server;
        /** drover.secrets-dir, when set. */
        private SecretsDirectory secrets;
        private Optional<Short> replication = Optional.empty();
        private Settings settings;
        private IntegrationModules modules;
        private final Readiness readiness = new Readiness();
        private final Vitals vitals = new Vitals().watchFatalErrors();

        /** Vendor modules load once Camel runs (the route template exists then), each on its own. */
        @Override
        public void afterStart(BaseMainSupport main) {
            loadModules();
        }

        void loadModules() {
            try {
                try {
                    modules.loadAll();
                } finally {
                    modules.context().getComponent("drover-events", EventsComponent.class).booted();
                    ingest.modulesLoaded();
                }
                // Watching starts after the first load: from then on, files come and go while Drover runs.
                modules.context().addService(new ModuleWatcher(modules, modules.dir(), secrets), true, true);
                if (settings.bool("camel.management.enabled", false)) {
                    new AdminApi(modules, settings.string("drover.admin.token", null), bootstrapServers,
                            settings.bool("drover.admin.metrics-need-token"),
                            settings.string("drover.kafka.topic"))
                            .mount(modules.context(), settings.integer("drover.admin.port"));
                }
                Banner.show(settings, server, sources, modules);
            } catch (Exception e) {
                LOG.error("Cannot read or watch the integrations directory: {}", e.toString());
            }
        }

        /** After Camel's own configuration, so that the ingestion API starts after Camel's HTTP servers. */
        @Override
        public void afterConfigure(BaseMainSupport main) {
            CamelContext context = main.getCamelContext();
            registerHealthChecks(context);
            try {
                // Mounted on the ingestion port's router, then the port opens: services start in the order added.
                context.addService(ingest, true, true);
                context.addService(new TagService(server), true, true);
                context.addService(server, true, true);
                modules = new IntegrationModules(context,
                        Path.of(settings.string("drover.integrations-dir")).toAbsolutePath().normalize());
                readiness.requireAtStart("integrations", () -> modules.bootRoutesNotReading().isEmpty(),
                        () -> "waiting for " + modules.bootRoutesNotReading() + " to get their partitions");
                readiness.setCamelContext(context);
                HealthCheckRegistry.get(context).register(readiness);
                vitals.require("an integration's reader", () -> modules.readersAlive());
                vitals.setCamelContext(context);
                HealthCheckRegistry.get(context).register(vitals);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void beforeConfigure(BaseMainSupport main) {
            // Before the ingestion port opens: the modules present at start read every event acknowledged from now.
            long startedAt = System.currentTimeMillis();
            CamelContext context = main.getCamelContext();
            Settings settings = new Settings(context);
            // Found by Camel's metrics under this name: every meter, Camel's included, follows Prometheus' conventions.
            var metrics = MetricConventions.registry();
            context.getRegistry().bind("metricsRegistry", metrics);
            context.getRegistry().bind(io.drover.buffer.InlineCallbacks.BEAN, new io.drover.buffer.InlineCallbacks());
            settings.get("drover.secrets-dir").ifPresent(dir -> {
                secrets = new SecretsDirectory(Path.of(dir).toAbsolutePath().normalize());
                context.getPropertiesComponent().addPropertiesSource(secrets);
                secrets.fingerprints();
            });
            learnSecrets(context);
            try {
                Path dataDir = Path.of(settings.string("drover.data-dir")).toAbsolutePath().normalize();
                Files.createDirectories(dataDir);
                Ports.requireFree(settings.string("drover.http.host"),
                        settings.integer("drover.http.port"), "drover.http.port");
                if (settings.bool("camel.management.enabled", false)) {
                    AdminBinding.check(settings.string("drover.admin.host"),
                            settings.string("drover.admin.token", null));
                    Ports.requireFree(settings.string("drover.admin.host"),
                            settings.integer("drover.admin.port"), "drover.admin.port");
                }
                bootstrapServers = startBuffer(context, settings, dataDir);
                context.getComponent("drover-events", EventsComponent.class).booting(startedAt);
                sources = Sources.load(context, settings, dataDir);
                List<BufferGate> gates = new ArrayList<>();
                if (broker != null) {
                    gates.add(broker.failure());
                }
                if (diskFloor != null) {
                    gates.add(diskFloor);
                }
                EventBuffer buffer = new EventBuffer(context, gates);
                context.addService(buffer, true, false);
                readiness.require("buffer", buffer::takesWrites, () -> {
                    var refused = buffer.refusal();
                    return refused == null ? "the event buffer cannot take writes" : refused.getMessage();
                });
                // The same two facts as health, as metrics: for alerts and the dashboard.
                io.micrometer.core.instrument.Gauge.builder("drover.buffer.takes.writes", buffer, b -> b.takesWrites() ? 1 : 0)
                        .description("1 while the event buffer (Kafka) takes writes; 0 while ingestion answers 503")
                        .register(metrics);
                io.micrometer.core.instrument.Gauge.builder("drover.ready", readiness, r -> r.ready() ? 1 : 0)
                        .description("1 while Drover is ready (the readiness check is UP)").register(metrics);
                readiness.requireAtStart("ingestion", () -> ingest.admitting(),
                        () -> "restoring the dedupe window or loading the modules present at start");
                IdentityStore identity = null;
                if (settings.bool("drover.identity.enabled")) {
                    // Started with the context, after the buffer and before ingestion opens (services start in order).
                    if (settings.get("drover.identity.max-entries").isPresent()) {
                        LOG.warn("drover.identity.max-entries is no longer used: the identity store is on disk and"
                                + " forgets by age only (drover.identity.ttl); its memory is drover.identity.cache");
                    }
                    // Stopped after ingestion (services stop in the reverse order): the reader, then RocksDB closes.
                    IdentityTopic identityTopic = new IdentityTopic(bootstrapServers,
                            settings.string("drover.identity.topic"), replication,
                            dataDir.resolve("identity"), settings.bytes("drover.identity.cache"),
                            settings.integer("drover.identity.heap-entries"),
                            settings.duration("drover.identity.ttl"),
                            () -> org.apache.camel.support.CamelContextHelper.findSingleByType(context,
                                    io.micrometer.core.instrument.MeterRegistry.class));
                    context.addService(identityTopic, true, false);
                    identity = identityTopic.store();
                    identity.memoryOnlyOnEventLoop(settings.bool("drover.identity.memory-only-on-event-loop"));
                    vitals.require("the identity topic's reader", () -> !identityTopic.isStarted()
                            || identityTopic.readerAlive());
                }
                server = new IngestServer(context, settings);
                ingest = new IngestService(context, settings, sources, buffer, identity, bootstrapServers, server);
                context.getComponent("drover-events", EventsComponent.class).setStoredIds(ingest.storedIds());
                this.settings = settings;
                context.addLifecycleStrategy(new LifecycleStrategySupport() {
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
            replication = settings.get("drover.kafka.replication-factor").map(Short::parseShort);
            if (bootstrap.isEmpty()) {
                String host = settings.string("drover.kafka.embedded.host");
                int port = settings.integer("drover.kafka.embedded.port");
                int controllerPort = settings.integer("drover.kafka.embedded.controller-port");
                Ports.requireFree(host, port, "drover.kafka.embedded.port");
                Ports.requireFree(host, controllerPort, "drover.kafka.embedded.controller-port");
                broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), host, port, controllerPort,
                        settings.bool("drover.kafka.embedded.fsync"),
                        settings.integer("drover.kafka.embedded.retention-hours"));
                broker.start();
                // Stopped by Camel after the routes (and so the producer) have stopped.
                context.addService(broker, true, false);
                bootstrap = broker.bootstrapServers();
                String percent = settings.string("drover.kafka.embedded.min-free-percent");
                try {
                    diskFloor = DiskFloor.of(dataDir.resolve("kafka"),
                            settings.bytes("drover.kafka.embedded.min-free"), Double.parseDouble(percent));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Setting drover.kafka.embedded.min-free-percent must be a number"
                            + " such as 5 or 2.5, got '" + percent + "'");
                }
                if (diskFloor != null) {
                    diskFloor.start();
                    context.addService(diskFloor, true, false);
                } else {
                    LOG.warn("No free-space floor (drover.kafka.embedded.min-free = 0): a full disk fails the"
                            + " embedded broker, and ingestion with it, until Drover is restarted");
                }
                replication = Optional.of((short) 1);
            } else {
                LOG.info("Using the Kafka cluster at {}", bootstrap);
            }
            EventTopic.ensure(bootstrap, settings.string("drover.kafka.topic"),
                    settings.integer("drover.kafka.partitions"), replication);
            EventTopic.ensure(bootstrap, settings.string("drover.kafka.invalid-topic"), 1, replication);
            context.getComponent("kafka", KafkaComponent.class).getConfiguration().setBrokers(bootstrap);
            context.getComponent("kafka", KafkaComponent.class).setKafkaClientFactory(new io.drover.buffer.MeteredKafkaClients(
                    org.apache.camel.support.CamelContextHelper.findSingleByType(context, io.micrometer.core.instrument.MeterRegistry.class)));
            // One embedded broker means one instance: a stable member id lets it take its partitions back at once.
            DroverIntegrations.register(context, bootstrap, settings.string("drover.kafka.topic"),
                    replication.orElse(null), settings.string("drover.instance-id", broker != null ? "local" : null),
                    settings.bool("drover.delivery.allow-private-targets"));
            context.getComponent("drover-events", EventsComponent.class).setSharedParseSlots(
                    settings.integer("drover.integrations.shared-parse-slots"));
            return bootstrap;
        }

        /** The values of every secret-named setting, wherever it is set, so that the Redactor masks them everywhere. */
        private static void learnSecrets(CamelContext context) {
            Redactor.learnFromSystem();
            Map<String, String> properties = new java.util.HashMap<>();
            // application.properties and every other source Camel reads (the overrides: the constructor).
            context.getPropertiesComponent().loadProperties().forEach((k, v) -> properties.put(String.valueOf(k),
                    String.valueOf(v)));
            Redactor.learn(properties);
        }

        /** drover-broker (liveness and readiness) and drover-disk (readiness): the embedded broker's own checks. */
        private void registerHealthChecks(CamelContext context) {
            HealthCheckRegistry registry = HealthCheckRegistry.get(context);
            if (registry == null || broker == null) {
                return;
            }
            var failure = broker.failure();
            registry.register(new GateHealthCheck("drover-broker", () -> failure.reason()
                    .map(r -> "the embedded Kafka broker has failed (" + r + "); restart Drover").orElse(null), true));
            if (diskFloor != null) {
                registry.register(new GateHealthCheck("drover-disk", diskFloor::healthMessage, false));
            }
        }

        void stopBroker() {
            if (broker != null) {
                broker.stop();
            }
        }
    }

}
