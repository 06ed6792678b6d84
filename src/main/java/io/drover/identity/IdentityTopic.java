package io.drover.identity;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.EventTopic;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every instance's {@link IdentityStore} the same through the compacted topic {@code drover.identity}: each
 * change is written there (keyed {@code a:<anonymousId>} or {@code u:<userId>}, so compaction keeps only the latest),
 * and a reader (no consumer group: every instance reads everything) applies every record, its own included. At
 * start the topic is read to its end before ingestion opens, so the first events are enriched with what the other
 * instances knew. Entries also expire from the topic ({@code cleanup.policy=compact,delete}, retention = expiry).
 */
public final class IdentityTopic extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityTopic.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final Optional<Short> replicationFactor;
    private final Duration ttl;
    private final IdentityStore store;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Writes happen off the caller's thread: ingestion event loops must never wait for Kafka's metadata. */
    private final java.util.concurrent.ThreadPoolExecutor writer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "drover-identity-writer");
                t.setDaemon(true);
                return t;
            }, (r, executor) -> LOG.debug("Identity update queue full; an update is dropped"));
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;
    private volatile boolean running;

    public IdentityTopic(String bootstrapServers, String topic, Optional<Short> replicationFactor, long maxEntries,
                         Duration ttl) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.ttl = ttl;
        this.store = new IdentityStore(maxEntries, ttl, this::publish);
    }

    public IdentityStore store() {
        return store;
    }

    @Override
    protected void doStart() throws Exception {
        EventTopic.ensure(bootstrapServers, topic, 3, replicationFactor, Map.of(
                "cleanup.policy", "compact,delete",
                "retention.ms", String.valueOf(ttl.toMillis()),
                // Small segments so that compaction and expiry can act on a quiet topic too.
                "segment.ms", String.valueOf(Math.min(ttl.toMillis(), Duration.ofDays(1).toMillis()))));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "drover-identity");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "drover-identity-reader");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        running = true;
        reader = new Thread(() -> read(end), "drover-identity-reader");
        reader.setDaemon(true);
        reader.start();
        if (!caughtUp.await(60, TimeUnit.SECONDS)) {
            LOG.warn("The identity topic was not read to its end within 60 s; enrichment starts with a partial view");
        }
        LOG.info("Identity store ready: {} entries from {}", store.size(), topic);
    }

    /** Whether the reader still follows the topic (it stops only with the service, or on an error it logs). */
    public boolean readerAlive() {
        return reader != null && reader.isAlive();
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            reader.join(10_000);
        }
        writer.shutdown();
        writer.awaitTermination(5, TimeUnit.SECONDS);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void read(Map<TopicPartition, Long> end) {
        try {
            checkCaughtUp(end);
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                checkCaughtUp(end);
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("The identity topic reader stopped: {}; enrichment keeps this instance's own view only", e.toString());
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void checkCaughtUp(Map<TopicPartition, Long> end) {
        if (caughtUp.getCount() == 0) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return;
            }
        }
        caughtUp.countDown();
    }

    private void apply(ConsumerRecord<String, String> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            store.apply(r.key(), null);
            return;
        }
        try {
            JsonNode v = MAPPER.readTree(r.value());
            JsonNode providers = v.path("providers");
            store.apply(r.key(), new Identity(text(v, "userId"), text(v, "anonymousId"),
                    providers instanceof ObjectNode o ? o : MAPPER.createObjectNode(), v.path("updatedAt").asLong()));
        } catch (IOException e) {
            LOG.warn("Identity record {}-{} is not JSON; skipped", r.partition(), r.offset());
        }
    }

    private void publish(String key, Identity identity) {
        ObjectNode v = MAPPER.createObjectNode();
        v.put("userId", identity.userId());
        v.put("anonymousId", identity.anonymousId());
        v.set("providers", identity.providers());
        v.put("updatedAt", identity.updatedAt());
        String value = v.toString();
        writer.execute(() -> {
            try {
                producer.send(new ProducerRecord<>(topic, key, value), (meta, error) -> {
                    if (error != null) {
                        // The event itself is stored; only other instances miss this link until it is seen again.
                        LOG.warn("Identity update not written to {}: {}", topic, error.toString());
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("Identity update not written to {}: {}", topic, e.toString());
            }
        });
    }

    private static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
