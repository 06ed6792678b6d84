package io.drover.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.drover.integration.IntegrationModules;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Module files of the shared Drover changed while it runs, and the signal that a change took effect: the watcher's
 * per-file count of completed loads and unloads ({@link IntegrationModules#changes}), then what it made of the file
 * ({@link IntegrationModules#modules()}: running; {@link IntegrationModules#errors()}: not, and why).
 *
 * <p>No event needs to be sent to find out whether a module reads: a module's consumer starts at the first event
 * acknowledged since the module was loaded (committed before it joins), so every event sent once the load completed
 * reaches it, even before its consumer has partitions.
 */
public final class Modules {

    private static final Duration APPLY = Duration.ofSeconds(20);

    /** A change to the integrations directory. */
    @FunctionalInterface
    public interface Change {
        void run() throws IOException;
    }

    private Modules() {
    }

    /** Makes {@code change} to {@code file} and waits until the watcher has applied it (a load or an unload). */
    public static void applied(TestDrover drover, Path file, Change change) throws IOException {
        applied(drover, List.of(file), change);
    }

    /** Makes {@code change} to several files at once and waits until the watcher has applied it to each. */
    public static void applied(TestDrover drover, Collection<Path> files, Change change) throws IOException {
        IntegrationModules modules = drover.server.integrations();
        Map<Path, Long> before = new HashMap<>();
        files.forEach(f -> before.put(f, modules.changes(f)));
        change.run();
        Awaitility.await("the watcher applies the change to " + names(files)).atMost(APPLY)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> files.stream().allMatch(f -> modules.changes(f) > before.get(f)));
    }

    /**
     * Makes {@code change} (writes or copies {@code file}) and waits until the module runs; fails with the reason
     * Drover gave when it does not. Also waits until its consumer group has read what was acknowledged before the load
     * ({@link #caughtUp}): a group that ran before (the same module removed and dropped in again) resumes where it
     * stopped, and what it missed meanwhile must not share a batch with a test's events.
     */
    public static void running(TestDrover drover, Path file, Change change) throws IOException {
        applied(drover, file, change);
        assertRunning(drover, file);
        caughtUp(drover, integration(file));
    }

    /** Asserts that the module of {@code file} runs (its last load worked). */
    public static void assertRunning(TestDrover drover, Path file) {
        IntegrationModules modules = drover.server.integrations();
        assertThat(modules.errors().get(file)).as("the error Drover reports for %s", file.getFileName()).isNull();
        assertThat(modules.modules()).as("running modules").containsKey(file);
    }

    /** Deletes {@code file} if it is there and waits until its module is gone. */
    public static void removed(TestDrover drover, Path file) throws IOException {
        if (Files.exists(file)) {
            applied(drover, file, () -> Files.delete(file));
        }
        assertThat(drover.server.integrations().modules()).as("running modules").doesNotContainKey(file);
    }

    /** The integration a module file of this suite defines: the file's name without .yaml (its {@code name}). */
    public static String integration(Path file) {
        return file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }

    /**
     * Waits until the consumer group of {@code integration} has committed, on every partition of the events topic,
     * at least the end offset as of now: it has handled everything acknowledged before this call.
     */
    public static void caughtUp(TestDrover drover, String integration) {
        String group = "drover-" + integration;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, drover.server.bootstrapServers()))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(TestDrover.TOPIC)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(TestDrover.TOPIC).partitions().stream()
                    .map(p -> new TopicPartition(TestDrover.TOPIC, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            Awaitility.await("group " + group + " has committed up to " + ends).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                        return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
                    });
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("Cannot read the offsets of " + group, e);
        }
    }

    /**
     * Waits until {@code integration} is done with the event of this messageId: delivered, left out or dead-lettered,
     * its retries over. Its consumer commits a batch only then (after writing its dead letters), so its group's
     * committed offset on the event's partition passing the event says so. What was not sent or dead-lettered by then
     * never will be.
     */
    public static void handled(TestDrover drover, String integration, String messageId) {
        TopicReader.Event event = drover.topic.await(messageId);
        TopicPartition partition = new TopicPartition(TestDrover.TOPIC, event.partition());
        String group = "drover-" + integration;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, drover.server.bootstrapServers()))) {
            Awaitility.await(group + " commits past " + messageId + " at " + partition + "@" + event.offset())
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(partition);
                        return committed != null && committed.offset() > event.offset();
                    });
        }
    }

    private static String names(Collection<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList().toString();
    }
}
