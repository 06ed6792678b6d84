package io.drover.buffer;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
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

    /**
     * The topic's effective {@code max.message.bytes} (its own, else the broker's {@code message.max.bytes}): the
     * largest record batch the broker takes for it; -1 when the cluster does not say within 30 s.
     */
    public static int maxMessageBytes(String bootstrapServers, String topic) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? -1 : Integer.parseInt(entry.value());
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.warn("Cannot read max.message.bytes of {} ({}); assuming Kafka's default", topic, e.toString());
            return -1;
        }
    }
}
