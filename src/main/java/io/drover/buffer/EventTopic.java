package io.drover.buffer;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Drover's topics when they are missing: clusters often refuse automatic topic creation. */
public final class EventTopic {

    private static final Logger LOG = LoggerFactory.getLogger(EventTopic.class);

    private EventTopic() {
    }

    public static void ensure(String bootstrapServers, String topic, int partitions, Optional<Short> replicationFactor)
            throws InterruptedException {
        ensure(bootstrapServers, topic, partitions, replicationFactor, Map.of());
    }

    /** As {@link #ensure(String, String, int, Optional)}, with topic configs (e.g. compaction) for a new topic. */
    public static void ensure(String bootstrapServers, String topic, int partitions, Optional<Short> replicationFactor,
                              Map<String, String> configs) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            if (existing.contains(topic)) {
                return;
            }
            admin.createTopics(Set.of(new NewTopic(topic, Optional.of(partitions), replicationFactor).configs(configs)))
                    .all().get(60, TimeUnit.SECONDS);
            LOG.info("Created topic {} with {} partitions", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create Kafka topic " + topic + " on " + bootstrapServers
                        + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 60 s", e);
        }
    }
}
