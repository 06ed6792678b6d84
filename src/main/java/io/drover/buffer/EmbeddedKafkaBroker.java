package io.drover.buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) inside Drover's own JVM, so that one machine needs
 * nothing else installed. Its log lives under {@code <data-dir>/kafka}: formatted on the first start, reused after.
 *
 * <p>It uses Kafka's server classes, which are not a supported API: the Kafka version is pinned in the pom and this
 * class is re-tested on every upgrade. It is a Camel service so that it stops after the routes (and their producers)
 * have stopped.
 */
public final class EmbeddedKafkaBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final int FAILED_STOP_SECONDS = 5;

    private final Path logDir;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final boolean fsyncEachMessage;
    private final int retentionHours;
    private final BrokerFailure failure = new BrokerFailure();
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(Path logDir, String host, int port, int controllerPort, boolean fsyncEachMessage,
                               int retentionHours) {
        this.logDir = logDir;
        this.host = host;
        this.port = port;
        this.controllerPort = controllerPort;
        this.fsyncEachMessage = fsyncEachMessage;
        this.retentionHours = retentionHours;
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    @Override
    protected void doStart() throws Exception {
        Files.createDirectories(logDir);
        KafkaConfig config = new KafkaConfig(brokerProperties(), false);
        formatIfNeeded(config);
        long started = System.nanoTime();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        // From here on a fatal broker error leaves Drover up and says so (before, Kafka's halt ends a failed start).
        failure.install();
        LOG.info("Embedded Kafka broker listening on {} (log in {}), started in {} ms", bootstrapServers(), logDir,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The broker's fatal failure, if any (a gate of the buffer, and the drover-broker health check). */
    public BrokerFailure failure() {
        return failure;
    }

    @Override
    protected void doStop() throws InterruptedException {
        KafkaRaftServer stopping = server;
        server = null;
        if (stopping != null && failure.reason().isEmpty()) {
            LOG.info("Stopping the embedded Kafka broker");
            stopping.shutdown();
            stopping.awaitShutdown();
        } else if (stopping != null) {
            // A failed broker's controlled shutdown waits up to 5 minutes for a controller that is gone: give it a
            // few seconds, then let the JVM's exit end its threads (its log is recovered at the next start).
            LOG.info("Stopping the failed embedded Kafka broker (at most {} s)", FAILED_STOP_SECONDS);
            Thread t = new Thread(() -> {
                stopping.shutdown();
                stopping.awaitShutdown();
            }, "drover-failed-broker-stop");
            t.setDaemon(true);
            t.start();
            t.join(TimeUnit.SECONDS.toMillis(FAILED_STOP_SECONDS));
            if (t.isAlive()) {
                LOG.warn("The failed embedded Kafka broker did not stop within {} s; Drover stops without it",
                        FAILED_STOP_SECONDS);
                return;   // its threads may still ask to halt: keep that from cutting Drover's own stop short
            }
        }
        // After the shutdown: a halt asked for while stopping is logged, not obeyed.
        failure.uninstall();
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every replication factor and ISR is 1. Chosen before the first start (they stick).
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "8");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // After a kill -9 the controller refuses the broker until the old session expires: keep that short.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        // The cleaner's dedupe buffer takes 128 MiB of heap by default; compacted topics here are small.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.retention.hours", String.valueOf(retentionHours));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        if (fsyncEachMessage) {
            // acks=all on one node means "in the OS page cache": survives kill -9, not power loss, unless fsync'd.
            p.put("log.flush.interval.messages", "1");
        }
        return p;
    }

    private void formatIfNeeded(KafkaConfig config) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        LOG.info("Formatting the embedded Kafka log in {} (cluster id {})", logDir, clusterId);
        new Formatter()
                .setClusterId(clusterId)
                .setNodeId(NODE_ID)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .setDirectories(List.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .run();
    }

}
