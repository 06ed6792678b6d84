package io.drover.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import static org.awaitility.Awaitility.await;

/**
 * Three Kafka nodes in separate processes (Kafka's own {@code kafka.Kafka} main, each formatted by its
 * {@code StorageTool}), each a broker and a controller of a three-voter KRaft quorum, as {@code docker/compose.yaml}
 * runs them: replication factor 3, {@code min.insync.replicas} 2, no unclean leader election, no automatic topic
 * creation. All on 127.0.0.1 with ports chosen once, so that a node killed with SIGKILL restarts on the same ports
 * and log directory, as a crashed broker would.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final int NODES = 3;

    /** One node: its id (1..3), its configuration and log, and its process while it runs. */
    public static final class BrokerNode {
        public final int id;
        public final int port;
        final int controllerPort;
        final Path config;
        final Path log;
        Process process;
        int starts;

        BrokerNode(int id, int port, int controllerPort, Path config, Path log) {
            this.id = id;
            this.port = port;
            this.controllerPort = controllerPort;
            this.config = config;
            this.log = log;
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        public Path log() {
            return log;
        }
    }

    private final List<BrokerNode> nodes;
    private final String bootstrapServers;

    private KafkaCluster(List<BrokerNode> nodes) {
        this.nodes = nodes;
        this.bootstrapServers = nodes.stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    /**
     * Formats and starts the three nodes at once (a quorum needs two of them) and waits until all three serve. Once,
     * on a clean clone in CI (1 Dec 2026), three nodes that had started fell silent and no broker registered within
     * 120 s; the run before and after it passed. A cluster that does not form is started once more, on new ports and
     * in a new directory (the first one's logs are kept and named), so that the test measures failover, not this.
     */
    public static KafkaCluster start(Path dir) throws IOException, InterruptedException {
        try {
            return startOnce(dir);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Path again = dir.resolveSibling(dir.getFileName() + "-again");
            System.err.println("KafkaCluster: the 3 nodes did not form a cluster within 120 s (logs under " + dir
                    + "); starting them once more under " + again);
            return startOnce(again);
        }
    }

    private static KafkaCluster startOnce(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<BrokerNode> nodes = new ArrayList<>();
        List<String> voters = new ArrayList<>();
        for (int id = 1; id <= NODES; id++) {
            int port = FreePorts.next();
            int controllerPort = FreePorts.next();
            Path nodeDir = Files.createDirectories(dir.resolve("kafka-" + id));
            nodes.add(new BrokerNode(id, port, controllerPort, nodeDir.resolve("server.properties"), nodeDir.resolve("kafka.out")));
            voters.add(id + "@127.0.0.1:" + controllerPort);
        }
        String clusterId = Uuid.randomUuid().toString();
        List<Process> formats = new ArrayList<>();
        for (BrokerNode n : nodes) {
            writeConfig(n, String.join(",", voters), n.config.getParent().resolve("log"));
            formats.add(JavaProcess.start("kafka.tools.StorageTool", List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                    List.of("format", "-t", clusterId, "-c", n.config.toString()), Map.of(), n.log));
        }
        // The three at once (each is a JVM start): bounded, and none left running on failure.
        try {
            for (int i = 0; i < NODES; i++) {
                Process f = formats.get(i);
                if (!f.waitFor(120, TimeUnit.SECONDS) || f.exitValue() != 0) {
                    throw new IllegalStateException("kafka-storage format of node " + (i + 1) + " failed: see "
                            + nodes.get(i).log);
                }
            }
        } finally {
            formats.forEach(Process::destroyForcibly);
        }
        KafkaCluster cluster = new KafkaCluster(nodes);
        try {
            for (BrokerNode n : nodes) {
                cluster.launch(n);
            }
            cluster.awaitBrokers(NODES, Duration.ofSeconds(120));
        } catch (RuntimeException | Error | IOException e) {
            // The caller gets no handle to close: stop the nodes here, or they would outlive the test run.
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static void writeConfig(BrokerNode n, String voters, Path logDir) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(n.id));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + n.port + ",CONTROLLER://127.0.0.1:" + n.controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + n.port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // docker/compose.yaml's settings: every record on 3 nodes, acknowledged (acks=all) once 2 have it.
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        // Test-size only (no effect on failover): fewer offset partitions, no initial rebalance delay, a small
        // cleaner buffer (the default 128 MB per node would be 384 MB of heap here).
        p.put("offsets.topic.num.partitions", "6");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        try (Writer w = Files.newBufferedWriter(n.config)) {
            p.store(w, "test cluster node " + n.id);
        }
    }

    private void launch(BrokerNode n) throws IOException {
        n.starts++;
        Files.writeString(n.log, "---- start " + n.starts + " ----\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        n.process = JavaProcess.start("kafka.Kafka", List.of("-Xmx512m", "-Xms128m", "-XX:TieredStopAtLevel=1"), List.of(n.config.toString()),
                Map.of(), n.log);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public List<BrokerNode> nodes() {
        return nodes;
    }

    public BrokerNode node(int id) {
        return nodes.get(id - 1);
    }

    /** An admin client with bounded waits; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000));
    }

    /** Kills node {@code id} with SIGKILL ({@code Process.destroyForcibly}): no shutdown, no leader hand-over. */
    public void kill(int id) throws InterruptedException {
        BrokerNode n = node(id);
        if (n.process != null && !n.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Kafka node " + id + " did not die within 30 s of SIGKILL");
        }
    }

    /** Starts node {@code id} again on its log directory and ports; returns at once (see {@link #awaitInSync}). */
    public void restart(int id) throws IOException {
        BrokerNode n = node(id);
        if (n.isAlive()) {
            throw new IllegalStateException("Kafka node " + id + " is still running");
        }
        launch(n);
    }

    /** Waits until {@code count} brokers are registered and answer, failing at once if a started node exited. */
    public void awaitBrokers(int count, Duration atMost) {
        await("" + count + " Kafka brokers up").atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (BrokerNode n : nodes) {
                if (n.process != null && !n.process.isAlive() && n.process.exitValue() != 137) {
                    throw new IllegalStateException("Kafka node " + n.id + " exited with " + n.process.exitValue()
                            + ": see " + n.log);
                }
            }
            try (Admin admin = admin()) {
                return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() >= count;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Each partition of {@code topic} and the id of its leader (-1: none). */
    public Map<Integer, Integer> leaders(String topic) throws Exception {
        try (Admin admin = admin()) {
            return leaders(admin, topic);
        }
    }

    public static Map<Integer, Integer> leaders(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        Map<Integer, Integer> leaders = new TreeMap<>();
        for (TopicPartitionInfo p : d.partitions()) {
            Node leader = p.leader();
            leaders.put(p.partition(), leader == null || leader.isEmpty() ? -1 : leader.id());
        }
        return leaders;
    }

    /** The partitions of {@code topic} as Kafka describes them (leader, replicas, in-sync replicas). */
    public TopicDescription describe(String topic) throws Exception {
        try (Admin admin = admin()) {
            return admin.describeTopics(Set.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        }
    }

    /** The topic's effective configuration (its own settings, else the brokers' defaults). */
    public Config topicConfig(String topic) throws Exception {
        try (Admin admin = admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(Set.of(r)).all().get(5, TimeUnit.SECONDS).get(r);
        }
    }

    /** Waits until every partition of {@code topic} has all three replicas in sync (a restarted node caught up). */
    public void awaitInSync(String topic, Duration atMost) {
        await(topic + " fully in sync").atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> describe(topic).partitions().stream().allMatch(p -> p.isr().size() == NODES));
    }

    @Override
    public void close() throws InterruptedException {
        // SIGKILL: the data is thrown away, and a controlled shutdown of the last nodes of a quorum can hang.
        for (BrokerNode n : nodes) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
        for (BrokerNode n : nodes) {
            if (n.process != null) {
                n.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
