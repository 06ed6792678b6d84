package io.drover.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A Kafka broker in a separate process (Kafka's own {@code kafka.Kafka} main, formatted by its {@code StorageTool}),
 * standing in for an external cluster: Drover reaches it only through its bootstrap address.
 */
public final class ExternalKafka implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;
    private final Path dir;

    private ExternalKafka(Process process, String bootstrapServers, Path dir) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.dir = dir;
    }

    public static ExternalKafka start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("log").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "external test broker");
        }
        Path log = dir.resolve("kafka.out");
        int formatted = JavaProcess.run("kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()), log, 120);
        if (formatted != 0) {
            throw new IllegalStateException("kafka-storage format failed: see " + log);
        }
        Process process = JavaProcess.start("kafka.Kafka", List.of("-Xmx512m"), List.of(config.toString()), Map.of(), log);
        ExternalKafka kafka = new ExternalKafka(process, "127.0.0.1:" + port, dir);
        try {
            kafka.awaitReady();
        } catch (RuntimeException | Error e) {
            // The caller gets no handle to close: stop the broker here, or it would outlive the test run.
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the external Kafka broker exited: see " + dir.resolve("kafka.out"));
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Kills the broker hard, as a crashed cluster would look from Drover. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        JavaProcess.stop(process);
    }
}
