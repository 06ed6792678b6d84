package io.drover.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.drover.testing.ExternalKafka;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.JavaProcess;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production topology of {@code docker/compose.yaml} without containers: an external Kafka broker in its own
 * process and two Drover instances, each a separate JVM started from {@code io.drover.Drover} and configured only
 * through environment variables, sharing one topic. A load balancer may send any request of a user to either
 * instance; this checks that nothing is lost or doubled and that one user's events stay in order.
 *
 * <p>The tests run in order and share the processes: traffic first, then the topic-wide count, then SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterTopologyTest {

    private static final String TOPIC = "drover.events";
    private static final String SOURCE = "web";
    private static final String WRITE_KEY = "wk_topology_" + UUID.randomUUID().toString().replace("-", "");
    /** A documentation address (RFC 5737): only ever a header value, never contacted. */
    private static final String CLIENT_IP = "203.0.113.7";
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);

    private Path dir;
    private ExternalKafka kafka;
    private final List<Instance> drovers = new ArrayList<>();
    private TopicReader topic;
    /** Every messageId that an instance acknowledged with 200, and the userId it was sent with. */
    private final Map<String, String> acknowledged = new LinkedHashMap<>();
    private boolean failed;

    /** One Drover process and what the test needs to reach it and diagnose it. */
    private record Instance(String name, Process process, int port, int adminPort, Path log) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        String adminUrl(String path) {
            return "http://127.0.0.1:" + adminPort + path;
        }
    }

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
            System.err.println("ClusterTopologyTest." + context.getDisplayName() + " failed; child logs: " + logs());
        }
    };

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void startTopology() throws Exception {
        dir = Files.createTempDirectory("drover-topology-");
        // Until everything is up, a failure here must keep the logs (the watcher only sees test methods).
        failed = true;
        long start = System.nanoTime();
        kafka = ExternalKafka.start(dir.resolve("kafka"));
        long kafkaUp = System.nanoTime();
        // Both start at once, as compose would start them: each may try to create the topic, and must not fail.
        drovers.add(startDrover("drover-1"));
        drovers.add(startDrover("drover-2"));
        for (Instance d : drovers) {
            awaitHttp(d);
        }
        topic = new TopicReader(kafka.bootstrapServers(), TOPIC);
        // Start-up times, to tell a slow machine from a slow Drover when the bounds are approached.
        System.out.printf("Kafka up in %d ms, both Drovers answering %d ms later%n",
                TimeUnit.NANOSECONDS.toMillis(kafkaUp - start), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kafkaUp));
        failed = false;
    }

    private Instance startDrover(String name) throws IOException {
        int port = FreePorts.next();
        int adminPort = FreePorts.next();
        Path dataDir = Files.createDirectories(dir.resolve(name));
        Path log = dir.resolve(name + ".log");
        // Only the environment, as in a container; the names follow drover.x.y = DROVER_X_Y.
        Map<String, String> env = Map.of(
                "DROVER_HTTP_HOST", "127.0.0.1",
                "DROVER_HTTP_PORT", String.valueOf(port),
                "DROVER_ADMIN_HOST", "127.0.0.1",
                "DROVER_ADMIN_PORT", String.valueOf(adminPort),
                "DROVER_DATA_DIR", dataDir.toString(),
                "DROVER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                // One broker here; compose sets 3.
                "DROVER_KAFKA_REPLICATION_FACTOR", "1",
                // The load balancer in compose is the trusted proxy; here the test itself plays it.
                "DROVER_HTTP_TRUSTED_PROXIES", "127.0.0.1",
                "DROVER_SOURCES_WEB_WRITE_KEY", WRITE_KEY);
        Process p = JavaProcess.start("io.drover.Drover", List.of("-Xmx384m"), List.of(), env, log);
        return new Instance(name, p, port, adminPort, log);
    }

    /** Waits (bounded) until the instance is ready: its API mounted and its Kafka producer connected. */
    private void awaitHttp(Instance d) {
        Awaitility.await(d.name() + " ready; see " + d.log()).atMost(STARTUP).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!d.process().isAlive()) {
                        throw new AssertionError(d.name() + " exited with " + d.process().exitValue()
                                + " while starting; see " + d.log());
                    }
                    try {
                        return Http.send("GET", d.adminUrl("/observe/health/ready"), null).status() == 200;
                    } catch (AssertionError notYetListening) {
                        // Http turns connection errors into AssertionError: the port is not open yet.
                        return false;
                    }
                });
    }

    @Test
    @Order(1)
    void singlesAndBatchesSentToBothInstancesAreStoredKeyedByUser() {
        for (Instance d : drovers) {
            for (int i = 0; i < 10; i++) {
                String user = d.name() + "-user-" + i;
                String id = newId();
                post(d, "/v1/track", """
                        {"userId":"%s","event":"Viewed Item","messageId":"%s","properties":{"i":%d}}"""
                        .formatted(user, id, i));
                acknowledged.put(id, user);
            }
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            Map<String, String> batched = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                String user = d.name() + "-batch-user-" + (i % 5);
                String id = newId();
                String type = i % 2 == 0 ? "track" : "identify";
                batch.append(i == 0 ? "" : ",").append("""
                        {"type":"%s","userId":"%s","event":"Batched","messageId":"%s"}""".formatted(type, user, id));
                batched.put(id, user);
            }
            post(d, "/v1/batch", batch.append("]}").toString());
            acknowledged.putAll(batched);
        }

        for (Map.Entry<String, String> sent : acknowledged.entrySet()) {
            TopicReader.Event e = topic.await(sent.getKey());
            assertThat(e.key()).as("partition key of %s", sent.getKey()).isEqualTo(sent.getValue());
            assertThat(e.text("userId")).isEqualTo(sent.getValue());
            assertThat(e.headers()).containsEntry("drover.source", SOURCE);
            // X-Forwarded-For from a trusted proxy gives the client's address.
            assertThat(e.value().path("context").path("ip").asText()).isEqualTo(CLIENT_IP);
        }
    }

    @Test
    @Order(2)
    void oneUsersEventsSentAlternatelyToBothInstancesKeepTheirOrder() {
        String user = "ordered-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int seq = 0; seq < 20; seq++) {
            // Each is sent only after the previous one was acknowledged, as a client library sends in sequence.
            Instance d = drovers.get(seq % 2);
            String id = newId();
            post(d, "/v1/track", """
                    {"userId":"%s","event":"Step","messageId":"%s","properties":{"seq":%d}}""".formatted(user, id, seq));
            acknowledged.put(id, user);
            ids.add(id);
        }

        List<TopicReader.Event> events = ids.stream().map(topic::await).toList();
        assertThat(events).extracting(TopicReader.Event::key).containsOnly(user);
        // Both instances hash the key to the same partition, where offsets follow the acknowledgement order.
        assertThat(events).extracting(TopicReader.Event::partition).containsOnly(events.get(0).partition());
        assertThat(events).extracting(TopicReader.Event::offset).isSortedAccordingTo(Comparator.naturalOrder())
                .doesNotHaveDuplicates();
        assertThat(events).extracting(e -> e.value().path("properties").path("seq").asInt())
                .containsExactlyElementsOf(Stream.iterate(0, i -> i + 1).limit(20).toList());
    }

    @Test
    @Order(3)
    void theTopicHoldsEachAcknowledgedMessageExactlyOnceAndNothingElse() throws Exception {
        assertThat(acknowledged).hasSize(80);
        // The topic is new and nothing else writes to it: the end offsets add up to every record ever written.
        long records;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription description = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC);
            // Both instances started at once; whichever created the topic gave it the default partition count.
            assertThat(description.partitions()).hasSize(6);
            Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(TOPIC, p.partition()), p -> OffsetSpec.latest()));
            records = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
        assertThat(records).as("records in %s", TOPIC).isEqualTo(acknowledged.size());

        topic.awaitCaughtUp();
        assertThat(topic.size()).isEqualTo(records);
        for (String id : acknowledged.keySet()) {
            assertThat(topic.find(id)).as("records of messageId %s", id).hasSize(1);
        }
    }

    @Test
    @Order(4)
    void bothInstancesStopByThemselvesOnSigterm() throws Exception {
        // Clients keep sending while the instances stop: each answer must be 200 or 503 (retried by clients and
        // load balancers) or a refused connection, never anything a client would take as final, such as a 404.
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(drovers.size());
        for (Instance d : drovers) {
            Thread t = new Thread(() -> {
                boolean first = true;
                long until = System.nanoTime() + STOP.toNanos();
                while (stopping.get() && System.nanoTime() < until) {
                    int status;
                    try {
                        status = Http.post(d.url("/v1/track"), "{\"userId\":\"late\",\"event\":\"E\"}",
                                "Authorization", Http.basic(WRITE_KEY)).status();
                    } catch (AssertionError connectionFailed) {
                        status = -1;
                    }
                    statuses.merge(status, 1, Integer::sum);
                    if (first && status == 200) {
                        first = false;
                        answered.countDown();
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        // Each client is sending, and each instance taking its events, before the SIGTERM.
        assertThat(answered.await(10, TimeUnit.SECONDS)).as("each instance answered its client").isTrue();
        // SIGTERM to both at once, as `docker compose stop` does; each drains and exits on its own.
        long start = System.nanoTime();
        for (Instance d : drovers) {
            d.process().destroy();
        }
        for (Instance d : drovers) {
            long left = STOP.toNanos() - (System.nanoTime() - start);
            boolean exited = d.process().waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS);
            assertThat(exited).as("%s exited within %s after SIGTERM; see %s", d.name(), STOP, d.log()).isTrue();
            // 143 = 128 + SIGTERM: the JVM's status when a signal ended it after its shutdown hooks ran.
            assertThat(d.process().exitValue()).as("exit status of %s; see %s", d.name(), d.log()).isIn(0, 143);
            System.out.printf("%s exited with %d, %d ms after SIGTERM%n", d.name(), d.process().exitValue(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        stopping.set(false);
        for (Thread t : clients) {
            t.join(10_000);
        }
        System.out.println("Answers while stopping (status: count, -1: connection failed): " + statuses);
        assertThat(statuses.keySet()).as("answers while stopping").isSubsetOf(200, 503, -1);
        assertThat(statuses.getOrDefault(200, 0)).isPositive();
    }

    @AfterAll
    void stopTopology() throws Exception {
        // Each step runs even when an earlier one failed, so that no process outlives the test.
        try {
            if (topic != null) {
                topic.close();
            }
        } finally {
            try {
                for (Instance d : drovers) {
                    JavaProcess.stop(d.process());
                }
            } finally {
                if (kafka != null) {
                    kafka.close();
                }
            }
        }
        if (failed) {
            System.err.println("ClusterTopologyTest: logs kept under " + dir + " (" + logs() + ")");
        } else if (dir != null) {
            deleteTree(dir);
        }
    }

    private void post(Instance d, String path, String body) {
        Http.Response r = Http.post(d.url(path), body, "Authorization", Http.basic(WRITE_KEY),
                "Content-Type", "application/json", "X-Forwarded-For", CLIENT_IP);
        assertThat(r.status()).as("%s %s answered %s; see %s", d.name(), path, r.body(), d.log()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
    }

    private String logs() {
        String drover = drovers.stream().map(d -> d.name() + ": " + d.log()).collect(Collectors.joining(", "));
        return drover + (dir == null ? "" : ", kafka: " + dir.resolve("kafka").resolve("kafka.out"));
    }

    private static String newId() {
        return "topology-" + UUID.randomUUID();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
