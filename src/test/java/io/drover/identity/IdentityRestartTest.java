package io.drover.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.testing.TestDrover;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The identity store on disk across restarts, with its own topic on the test run's Kafka: a restart resumes from the
 * offsets stored with the entries (it reads nothing again, even when the topic no longer has the records), a lost
 * directory is rebuilt from the topic, and a second instance on the same directory fails clearly.
 */
class IdentityRestartTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int USERS = 50;
    private final String bootstrap = TestDrover.shared().server.bootstrapServers();
    private final String topic = "drover.identity.restart-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<IdentityTopic> started = new ArrayList<>();
    @TempDir
    Path dataDir;

    @AfterEach
    void stopAll() {
        started.forEach(IdentityTopic::stop);
    }

    @Test
    void aRestartResumesFromTheStoredOffsetsWithoutReadingTheTopicAgain() throws Exception {
        IdentityTopic first = start();
        assertThat(first.resumedFrom()).as("a new store reads from the beginning").isEmpty();
        learnUsers(first.store());
        // Its own records come back through the topic: their offsets are then stored with them.
        Awaitility.await("own records read back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> first.recordsRead() >= 2L * USERS);
        first.stop();
        Map<Integer, Long> end = endOffsets();
        assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2L * USERS);
        // The topic loses its records (as retention would): only what is on disk can bring the users back now.
        deleteAllRecords(end);

        IdentityTopic second = start();
        assertThat(second.resumedFrom()).as("resumed where the first stopped").isEqualTo(end);
        assertThat(second.recordsReadAtStart()).isZero();
        assertUsersKnown(second.store());
    }

    @Test
    void aLostDirectoryIsRebuiltFromTheTopic() throws Exception {
        IdentityTopic first = start();
        learnUsers(first.store());
        Awaitility.await("own records read back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> first.recordsRead() >= 2L * USERS);
        first.stop();
        Path dir = dataDir.resolve("identity");
        assertThat(dir.resolve("CURRENT")).as("RocksDB's files").exists();
        deleteTree(dir);

        IdentityTopic second = start();
        assertThat(second.resumedFrom()).isEmpty();
        assertThat(second.recordsReadAtStart()).isEqualTo(2L * USERS);
        assertThat(dir.resolve("CURRENT")).exists();
        assertUsersKnown(second.store());
    }

    @Test
    void aSecondInstanceOnTheSameDirectoryFailsClearly() throws Exception {
        IdentityTopic first = start();
        IdentityTopic second = topic();
        assertThatThrownBy(second::start).hasMessageContaining("in use by another Drover")
                .hasMessageContaining(dataDir.resolve("identity").toString());
        // The first goes on.
        learnUsers(first.store());
        assertUsersKnown(first.store());
    }

    @Test
    void theStoresMetricsAreOnTheAdminPort() {
        TestDrover drover = TestDrover.shared();
        IdentityStore store = drover.server.context().hasService(IdentityTopic.class).store();
        learnUsers(store);
        assertUsersKnown(store);
        Awaitility.await("metrics").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String metrics = io.drover.testing.Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
            assertThat(metric(metrics, "drover_identity_entries")).isGreaterThanOrEqualTo(2.0 * USERS);
            assertThat(metric(metrics, "drover_identity_lookups_seconds_count")).isGreaterThanOrEqualTo(2.0 * USERS);
            assertThat(metric(metrics, "drover_identity_disk_bytes")).isPositive();
            assertThat(metrics).contains("drover_identity_lookups_seconds_bucket{le=\"5.0E-5\"");
            assertThat(metrics).contains("drover_identity_writes_deferred_total");
        });
    }

    private static double metric(String metrics, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private IdentityTopic topic() {
        return new IdentityTopic(bootstrap, topic, Optional.empty(), dataDir.resolve("identity"), 8L * 1024 * 1024,
                1000, Duration.ofDays(1), () -> null);
    }

    private IdentityTopic start() {
        IdentityTopic t = topic();
        t.start();
        started.add(t);
        return t;
    }

    private static void learnUsers(IdentityStore store) {
        for (int i = 0; i < USERS; i++) {
            ObjectNode identify = MAPPER.createObjectNode().put("type", "identify").put("anonymousId", "anon-" + i)
                    .put("userId", "user-" + i);
            identify.putObject("context").putObject("providers").putObject("meta").put("fbp", "fb.1.1." + i);
            store.see(identify, true);
        }
    }

    private static void assertUsersKnown(IdentityStore store) {
        for (int i = 0; i < USERS; i++) {
            Identity user = store.get(IdentityStore.userKey("user-" + i));
            assertThat(user).as("user-%d", i).isNotNull();
            assertThat(user.anonymousId()).isEqualTo("anon-" + i);
            assertThat(user.providers().at("/meta/fbp").asText()).isEqualTo("fb.1.1." + i);
            assertThat(store.get(IdentityStore.anonymousKey("anon-" + i)).userId()).isEqualTo("user-" + i);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private Map<Integer, Long> endOffsets() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            }
            Map<Integer, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp.partition(), info.offset()));
            return end;
        }
    }

    private void deleteAllRecords(Map<Integer, Long> end) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
            end.forEach((p, offset) -> all.put(new TopicPartition(topic, p), RecordsToDelete.beforeOffset(offset)));
            admin.deleteRecords(all).all().get();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
