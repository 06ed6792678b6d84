package io.drover.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.drover.testing.DroverProcess;
import io.drover.testing.Http;
import io.drover.testing.KafkaCluster;
import io.drover.testing.LoadClients;
import io.drover.testing.Tally;
import io.drover.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
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

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out under failures (issue 19), with real processes on loopback: a three-node KRaft cluster configured as
 * {@code docker/compose.yaml} configures it (replication factor 3, {@code min.insync.replicas} 2), three Drover
 * instances on it, each with the shipped webhook module (one consumer group over the three), a stand-in vendor
 * (WireMock, in this JVM), and clients that spread requests over the instances in turn, at a bounded rate.
 *
 * <ol>
 *   <li>the cluster Drover runs on stores every event on three nodes and acknowledges once two have it;</li>
 *   <li>broker failures: the leader of a partition of {@code drover.events} is killed with SIGKILL three times, a
 *       different node each time, restarted before the next kill, while clients ingest and the module delivers;</li>
 *   <li>rolling restart: each instance in turn gets SIGTERM, exits, is started again and becomes ready;</li>
 *   <li>two nodes down: no event is acknowledged (503), since none can be on two nodes.</li>
 * </ol>
 * After 2 and 3: every acknowledged messageId reached the vendor (at least once, duplicates counted), every answer was
 * 200 or 503, and the figures (recovery per kill, rebalance per step) are printed and appended to
 * {@code target/reliability.txt}. The steps share one cluster and one set of instances (a start costs ~40 s here).
 * Wall time on 2 cores shared with other work: 3.5-4.5 minutes (8 at a load average of 21); every wait bounded, every
 * process stopped in {@link #stop()}. Figures and the command: docs/scaling.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BrokerFailureIT {

    private static final String TOPIC = "drover.events";
    private static final String GROUP = "drover-webhook";
    private static final String HOOK = "/hook";
    private static final int PARTITIONS = 6;
    private static final int INSTANCES = 3;
    private static final String KEY = "wk_cluster_" + UUID.randomUUID().toString().replace("-", "");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Three clients, each pausing 25 ms after each answer: at most ~120 requests (~660 events) per second. */
    private static final int CLIENTS = 3;
    private static final long PACE_MILLIS = 25;

    private final WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
            .dynamicPort().containerThreads(40));
    private Path dir;
    private KafkaCluster cluster;
    private final List<DroverProcess> drovers = new ArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();
    private boolean failed;

    @RegisterExtension
    final TestWatcher keepLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
            System.err.println("BrokerFailureIT." + context.getDisplayName() + " failed; logs under " + dir);
        }
    };

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void start() throws Exception {
        failed = true;   // until all is up, a failure keeps the logs
        dir = Files.createTempDirectory("drover-cluster-");
        vendor.start();
        vendor.stubFor(post(urlEqualTo(HOOK)).willReturn(ok()));
        long t0 = System.nanoTime();
        cluster = KafkaCluster.start(dir.resolve("kafka"));
        long kafkaUp = System.nanoTime();
        for (int i = 1; i <= INSTANCES; i++) {
            // Only the environment, as compose configures each replica.
            drovers.add(DroverProcess.withWebhook(Files.createDirectories(dir.resolve("drover-" + i)), KEY,
                    "http://127.0.0.1:" + vendor.port() + HOOK, 20, Map.of(
                            "DROVER_KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(),
                            "DROVER_KAFKA_REPLICATION_FACTOR", "3",
                            "DROVER_KAFKA_PARTITIONS", String.valueOf(PARTITIONS)))
                    // Six JVMs start on two cores: C1 only, less of the JIT compiler's CPU at start; the load is light.
                    .jvm("-XX:TieredStopAtLevel=1"));
        }
        // All at once, as compose starts them: each may try to create the topics.
        for (DroverProcess d : drovers) {
            d.start();
        }
        for (DroverProcess d : drovers) {
            d.awaitReady(Duration.ofSeconds(150));
        }
        awaitGroup(INSTANCES, Duration.ofSeconds(60));
        System.out.printf("cluster: 3 Kafka nodes up in %d ms, 3 Drovers ready and in group %s %d ms later%n",
                ms(kafkaUp - t0), GROUP, ms(System.nanoTime() - kafkaUp));
        failed = false;
    }

    @Test
    @Order(1)
    void theTopicIsOnThreeNodesAndAnEventIsAcknowledgedOnlyOnceTwoHaveIt() throws Exception {
        TopicDescription topic = cluster.describe(TOPIC);
        assertThat(topic.partitions()).hasSize(PARTITIONS);
        for (TopicPartitionInfo p : topic.partitions()) {
            assertThat(p.replicas()).as("replicas of partition %d", p.partition()).hasSize(3);
            assertThat(p.isr()).as("in-sync replicas of partition %d", p.partition()).hasSize(3);
        }
        // The topic's effective settings, as the running cluster applies them to every write.
        Config config = cluster.topicConfig(TOPIC);
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");
        // Drover's producer waits for all in-sync replicas (acks=all): shown by the last step, where one node is left.
    }

    /** What one kill did: the node, the partitions it led, and how long each part of the flow took to recover. */
    private record Kill(int node, Set<Integer> led, long leaderlessMs, long slowestAnswerMs, int refused,
                        long deliveryGapMs, long restartMs) {
    }

    @Test
    @Order(2)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killingThePartitionLeaderThreeTimesLosesNoAcknowledgedEvent() throws Exception {
        vendor.resetRequests();
        LoadClients load = load("kill");
        List<Kill> kills = new ArrayList<>();
        Set<Integer> killedBefore = new TreeSet<>();
        try {
            awaitAcknowledged(load, 300);
            for (int k = 1; k <= 3; k++) {
                // The leader of partition 0, unless it was killed before: then a partition led by a node not yet killed.
                Map<Integer, Integer> leaders = cluster.leaders(TOPIC);
                int victim = leaders.get(0);
                if (killedBefore.contains(victim)) {
                    victim = leaders.values().stream().filter(n -> n > 0 && !killedBefore.contains(n)).findFirst()
                            .orElseThrow(() -> new AssertionError("every leader was killed before: " + leaders));
                }
                int node = victim;
                Set<Integer> led = leaders.entrySet().stream().filter(e -> e.getValue() == node).map(Map.Entry::getKey)
                        .collect(Collectors.toCollection(TreeSet::new));
                killedBefore.add(victim);
                int answersBefore = load.answers.size();
                int refusedBefore = load.count(503);
                long killedAt = System.nanoTime();
                long killedAtWall = System.currentTimeMillis();
                cluster.kill(victim);
                // Kafka's controller fences the node after broker.session.timeout.ms (9 s) and elects new leaders.
                try (Admin admin = cluster.admin()) {
                    Awaitility.await("new leaders for " + led).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                            .ignoreExceptions().until(() -> KafkaCluster.leaders(admin, TOPIC).values().stream()
                                    .allMatch(l -> l > 0 && l != node));
                }
                long leaderless = ms(System.nanoTime() - killedAt);
                // Ingestion and delivery go on with two nodes.
                awaitAcknowledged(load, 300);
                awaitDeliveredSince(killedAtWall, led, Duration.ofSeconds(60));
                long restartAt = System.nanoTime();
                cluster.restart(victim);
                cluster.awaitBrokers(3, Duration.ofSeconds(90));
                cluster.awaitInSync(TOPIC, Duration.ofSeconds(90));
                long restart = ms(System.nanoTime() - restartAt);
                // As auto.leader.rebalance.enable does within 5 minutes: the restarted node leads its partitions again.
                try (Admin admin = cluster.admin()) {
                    admin.electLeaders(ElectionType.PREFERRED, null).partitions().get(10, TimeUnit.SECONDS);
                }
                List<LoadClients.Answer> window;
                synchronized (load.answers) {
                    window = new ArrayList<>(load.answers.subList(answersBefore, load.answers.size()));
                }
                long slowest = window.stream().filter(a -> a.startNanos() < killedAt + TimeUnit.MILLISECONDS.toNanos(leaderless))
                        .mapToLong(LoadClients.Answer::millis).max().orElse(0);
                kills.add(new Kill(victim, led, leaderless, slowest, load.count(503) - refusedBefore,
                        deliveryGap(killedAtWall - 2000, killedAtWall + leaderless + 15_000, led), restart));
                System.out.println("kill " + k + ": " + kills.get(kills.size() - 1));
            }
            awaitAcknowledged(load, 300);
        } finally {
            load.stop();
        }
        assertThat(kills).extracting(Kill::node).doesNotHaveDuplicates().hasSize(3);
        Tally tally = settle(load, "3 x kill -9 of the leader of a drover.events partition (3 nodes, 3 instances)");
        for (Kill k : kills) {
            String line = String.format("  kill -9 node %d (leader of partitions %s): new leaders after %d ms; slowest"
                            + " answer meanwhile %d ms; 503s %d; deliveries of those partitions paused %d ms; node back"
                            + " in sync %d ms after its restart%n", k.node(), k.led(), k.leaderlessMs(), k.slowestAnswerMs(),
                    k.refused(), k.deliveryGapMs(), k.restartMs());
            report(line);
        }
        assertThat(tally.lost()).as("acknowledged events never delivered").isZero();
    }

    @Test
    @Order(3)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aRollingRestartOfTheThreeInstancesLosesNothingAndAnswersOnly200Or503() throws Exception {
        vendor.resetRequests();
        LoadClients load = load("roll");
        GroupSampler group = new GroupSampler();
        List<String> steps = new ArrayList<>();
        List<long[]> windows = new ArrayList<>();   // per step, wall clock: SIGTERM, restart, next SIGTERM
        try {
            group.start();
            awaitAcknowledged(load, 300);
            for (DroverProcess d : drovers) {
                int index = drovers.indexOf(d) + 1;
                long termAt = System.nanoTime();
                long termAtWall = System.currentTimeMillis();
                int exit = d.terminate();
                long stopped = System.nanoTime();
                assertThat(exit).as("exit status of drover-%d after SIGTERM; see %s", index, d.log()).isIn(0, 143);
                // The group settles on the two others (a dynamic member leaves the group as it stops).
                long leftStable = group.awaitStable(INSTANCES - 1, termAt, Duration.ofSeconds(60));
                long startAt = System.nanoTime();
                long startAtWall = System.currentTimeMillis();
                d.start();
                d.awaitReady(Duration.ofSeconds(120));
                long ready = System.nanoTime();
                long joinedStable = group.awaitStable(INSTANCES, startAt, Duration.ofSeconds(60));
                awaitDeliveredSince(startAtWall, Set.of(), Duration.ofSeconds(60));
                awaitAcknowledged(load, 200);
                windows.add(new long[] {termAtWall, startAtWall, System.currentTimeMillis()});
                steps.add(String.format("  SIGTERM drover-%d: exited after %d ms; group stable on %d members %d ms after"
                                + " the SIGTERM; restarted, ready after %d ms, group stable on %d members %d ms after the"
                                + " start%n", index, ms(stopped - termAt), INSTANCES - 1, ms(leftStable - termAt),
                        ms(ready - startAt), INSTANCES, ms(joinedStable - startAt)));
            }
        } finally {
            group.stop();
            load.stop();
        }
        Tally tally = settle(load, "rolling restart (SIGTERM, restart, ready) of 3 instances on 3 nodes");
        steps.forEach(this::report);
        // When the second delivery of each duplicated event happened: after an instance left, or after it joined.
        Map<String, List<Long>> times = deliveryTimes();
        for (int i = 0; i < windows.size(); i++) {
            long[] w = windows.get(i);
            long afterLeaving = times.values().stream().filter(t -> t.size() > 1).map(t -> t.get(1))
                    .filter(t -> t >= w[0] && t < w[1]).count();
            long afterJoining = times.values().stream().filter(t -> t.size() > 1).map(t -> t.get(1))
                    .filter(t -> t >= w[1] && t < w[2]).count();
            report(String.format("  step %d: %d events delivered again after drover-%d left, %d after it joined%n",
                    i + 1, afterLeaving, i + 1, afterJoining));
        }
        assertThat(tally.lost()).as("acknowledged events never delivered").isZero();
    }

    @Test
    @Order(4)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withTwoNodesDownNoEventIsAcknowledged() throws Exception {
        // Two of three nodes down: no record can be on two nodes, so none may be acknowledged. The survivor still
        // leads its partitions (the quorum that could move them is gone) and would acknowledge alone with acks=1;
        // each event here is keyed to one of its partitions, so only acks=all with min.insync.replicas=2 refuses it.
        Map<Integer, Integer> leaders = cluster.leaders(TOPIC);
        int survivor = leaders.get(0);
        List<Integer> led = leaders.entrySet().stream().filter(e -> e.getValue() == survivor).map(Map.Entry::getKey).toList();
        List<String> users = new ArrayList<>();
        for (int n = 0; users.size() < 3; n++) {
            String user = "down-" + n;
            if (led.contains(partitionOf(user))) {
                users.add(user);
            }
        }
        for (KafkaCluster.BrokerNode node : cluster.nodes()) {
            if (node.id != survivor) {
                cluster.kill(node.id);
            }
        }
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
        List<Thread> posts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (DroverProcess d : drovers) {
            for (String user : users) {
                Thread t = new Thread(() -> {
                    Http.Response r = d.post("/v1/track", "{\"userId\":\"" + user + "\",\"event\":\"E\"}");
                    statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                    codes.computeIfAbsent(r.status() + " " + r.body(), s -> new AtomicInteger()).incrementAndGet();
                });
                t.start();
                posts.add(t);
            }
        }
        for (Thread t : posts) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        report(String.format("  two of three nodes killed, events keyed to the survivor's partitions %s: answers %s"
                + " within %d ms%n", led, new TreeMap<>(codes), ms(System.nanoTime() - t0)));
        assertThat(statuses.keySet()).as("answers with two nodes down").containsOnly(503);
    }

    /** The partition of drover.events that Kafka's default partitioner gives a key: murmur2(key) % partitions. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    @AfterAll
    void stop() throws Exception {
        // Each step runs even when an earlier one failed, so that no process outlives the test.
        try {
            for (DroverProcess d : drovers) {
                if (d.isAlive()) {
                    d.process().destroy();
                }
            }
            for (DroverProcess d : drovers) {
                if (d.process() != null && !d.process().waitFor(30, TimeUnit.SECONDS)) {
                    d.kill();
                }
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                vendor.stop();
            }
        }
        if (failed || Boolean.getBoolean("drover.keep-logs")) {
            System.err.println("BrokerFailureIT: logs kept under " + dir);
        } else if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Clients that post singles and batches of ten to the instances in turn, bounded in rate and in time. */
    private LoadClients load(String prefix) {
        return new LoadClients(() -> drovers.get(Math.floorMod(turn.getAndIncrement(), INSTANCES)).url(""), KEY,
                prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).pace(PACE_MILLIS).start(CLIENTS, 200);
    }

    private static void awaitAcknowledged(LoadClients load, int more) {
        int target = load.acknowledged.size() + more;
        Awaitility.await(more + " more events acknowledged").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> load.acknowledged.size() >= target);
    }

    /**
     * Re-sends what got no answer, waits until every acknowledged event reached the vendor (bounded), checks every
     * answer was 200 or 503, and reports the figures.
     */
    private Tally settle(LoadClients load, String fault) {
        int unanswered = load.unanswered.size();
        List<String> why = new ArrayList<>(load.failures);
        load.resendUnanswered(60);
        assertThat(load.unanswered).as("requests still unanswered after re-sending").isEmpty();
        Awaitility.await("every acknowledged event delivered").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Tally.of("", load.acknowledged, Tally.deliveries(vendor, HOOK)).lost() == 0);
        Tally tally = Tally.of(fault, load.acknowledged, Tally.deliveries(vendor, HOOK)).report();
        // Delivered twice: stored twice (a client's retry through another instance, whose dedupe window is its own)
        // or read twice (a rebalance or failover after delivery, before the offset commit was confirmed).
        long storedTwice;
        try (TopicReader topic = new TopicReader(cluster.bootstrapServers(), TOPIC)) {
            topic.awaitCaughtUp();
            storedTwice = load.acknowledged.stream().filter(id -> topic.find(id).size() > 1).count();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        load.statuses.forEach((s, n) -> statuses.put(s, n.get()));
        report(String.format("  of the duplicated, stored twice in %s: %d; answers (status: count) %s; refusals %s;"
                        + " %d attempts not connected (retried); %d requests unanswered (connection broken after"
                        + " sending; re-sent)%s%n", TOPIC, storedTwice, statuses,
                new TreeMap<>(load.refusalCodes), load.notConnected.get(), unanswered,
                why.isEmpty() ? "" : ": " + why.stream().distinct().limit(3).toList()));
        assertThat(statuses.keySet()).as("answers").isSubsetOf(200, 503);
        assertThat(load.badRefusals.get()).as("503s without Retry-After or a JSON code").isZero();
        return tally;
    }

    /** Waits until the vendor got an event acknowledged after {@code sinceWall} on one of {@code partitions} (any: empty). */
    private void awaitDeliveredSince(long sinceWall, Set<Integer> partitions, Duration atMost) {
        Awaitility.await("deliveries after " + sinceWall + " on " + partitions).atMost(atMost)
                .pollInterval(Duration.ofMillis(200)).until(() -> deliveries().stream()
                        .anyMatch(d -> d.atMillis() > sinceWall && (partitions.isEmpty() || partitions.contains(d.partition()))));
    }

    /** The longest pause between two deliveries of events of {@code partitions} within the interval (wall clock). */
    private long deliveryGap(long fromWall, long toWall, Set<Integer> partitions) {
        List<Long> times = deliveries().stream().filter(d -> partitions.contains(d.partition()))
                .map(Delivery::atMillis).filter(t -> t >= fromWall && t <= toWall).sorted().distinct().toList();
        long gap = 0;
        for (int i = 1; i < times.size(); i++) {
            gap = Math.max(gap, times.get(i) - times.get(i - 1));
        }
        return gap;
    }

    /** Each messageId the vendor took, with the times (wall clock, in order) it took it. */
    private Map<String, List<Long>> deliveryTimes() {
        Map<String, List<Long>> times = new java.util.HashMap<>();
        for (ServeEvent e : vendor.getAllServeEvents()) {
            if (e.getResponse().getStatus() / 100 != 2 || !e.getRequest().getUrl().equals(HOOK)) {
                continue;
            }
            try {
                JsonNode body = MAPPER.readTree(e.getRequest().getBody());
                for (JsonNode ev : body.has("batch") ? body.get("batch") : MAPPER.createArrayNode().add(body)) {
                    times.computeIfAbsent(ev.path("messageId").asText(), k -> new ArrayList<>())
                            .add(e.getRequest().getLoggedDate().getTime());
                }
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
        times.values().forEach(java.util.Collections::sort);
        return times;
    }

    /** One event the vendor took: when, and the partition of drover.events its key hashes to. */
    private record Delivery(long atMillis, int partition) {
    }

    private List<Delivery> deliveries() {
        List<Delivery> out = new ArrayList<>();
        for (ServeEvent e : vendor.getAllServeEvents()) {
            if (e.getResponse().getStatus() / 100 != 2 || !e.getRequest().getUrl().equals(HOOK)) {
                continue;
            }
            try {
                JsonNode body = MAPPER.readTree(e.getRequest().getBody());
                JsonNode events = body.has("batch") ? body.get("batch") : MAPPER.createArrayNode().add(body);
                // Drover keys each event by userId: Kafka's default partitioner puts it on murmur2(key) % partitions.
                for (JsonNode ev : events) {
                    out.add(new Delivery(e.getRequest().getLoggedDate().getTime(), partitionOf(ev.path("userId").asText())));
                }
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
        return out;
    }

    /**
     * Samples the webhook module's consumer group every 100 ms: a state is only seen while it lasts, and a
     * rebalance of a second could be missed between two awaits.
     */
    private final class GroupSampler {
        private record Sample(long atNanos, ConsumerGroupState state, int members) {
        }

        private final List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;
        private Thread thread;

        void start() {
            thread = new Thread(() -> {
                try (Admin admin = cluster.admin()) {
                    while (running) {
                        try {
                            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(GROUP)).all()
                                    .get(3, TimeUnit.SECONDS).get(GROUP);
                            samples.add(new Sample(System.nanoTime(), g.state(), g.members().size()));
                        } catch (Exception e) {
                            samples.add(new Sample(System.nanoTime(), ConsumerGroupState.UNKNOWN, -1));
                        }
                        TimeUnit.MILLISECONDS.sleep(100);   // the sampling period, not a wait for a state
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "group-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** The first moment after {@code since} at which the group was stable with {@code members} members. */
        long awaitStable(int members, long since, Duration atMost) {
            return Awaitility.await("group " + GROUP + " stable with " + members + " members").atMost(atMost)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        synchronized (samples) {
                            return samples.stream().filter(s -> s.atNanos() > since && s.state() == ConsumerGroupState.STABLE
                                    && s.members() == members).mapToLong(Sample::atNanos).findFirst().orElse(-1);
                        }
                    }, t -> t > 0);
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(5000);
            }
        }
    }

    private void awaitGroup(int members, Duration atMost) {
        try (Admin admin = cluster.admin()) {
            Awaitility.await("group " + GROUP + " stable with " + members + " members").atMost(atMost)
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                        ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(GROUP)).all()
                                .get(3, TimeUnit.SECONDS).get(GROUP);
                        return g.state() == ConsumerGroupState.STABLE && g.members().size() == members
                                && g.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                                .filter(tp -> tp.topic().equals(TOPIC)).count() == PARTITIONS;
                    });
        }
    }

    /** Prints a line and appends it to target/reliability.txt, beside the fault suite's. */
    private void report(String line) {
        System.out.print(line);
        try {
            Files.writeString(Path.of("target", "reliability.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
