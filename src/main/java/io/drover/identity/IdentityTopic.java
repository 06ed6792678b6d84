package io.drover.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.EventTopic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * <p>
 * The store is on local disk ({@code <data-dir>/identity}, opened at start, closed at stop) and the reader's
 * positions are stored in it, in the same write as the records they follow ({@link IdentityDb}): a restart resumes
 * where the last run stopped and reads only what came since; a missing or empty directory (a new instance, a lost
 * disk) is rebuilt from the beginning of the topic. Stored positions outside the topic's current range, or of
 * another topic of the same name (its topic id differs: deleted and created again), are not used: the topic is then
 * read from its beginning. Re-reading records is harmless: the newer {@code updatedAt} wins.
 */
public final class IdentityTopic extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityTopic.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final Optional<Short> replicationFactor;
    private final Duration ttl;
    private final Path dir;
    private final long cacheBytes;
    private final int heapEntries;
    private final Supplier<MeterRegistry> registry;
    private final IdentityStore store;
    /** Records read from the topic since the start, and how many of them before it was caught up. */
    private final AtomicLong recordsRead = new AtomicLong();
    private volatile long recordsReadAtStart = -1;
    /** The stored positions this start resumed from (empty: read from the beginning). */
    private volatile Map<Integer, Long> resumedFrom = Map.of();
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

    /**
     * @param dir        the store's directory ({@code <data-dir>/identity})
     * @param cacheBytes its block cache, off the heap ({@code drover.identity.cache})
     * @param heapEntries its hot entries kept decoded in the heap ({@code drover.identity.heap-entries})
     * @param ttl        how long an entry lives after its last update ({@code drover.identity.ttl})
     * @param registry   where the metrics go, asked at start (null from it: none)
     */
    public IdentityTopic(String bootstrapServers, String topic, Optional<Short> replicationFactor, Path dir,
                         long cacheBytes, int heapEntries, Duration ttl, Supplier<MeterRegistry> registry) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.ttl = ttl;
        this.dir = dir;
        this.cacheBytes = cacheBytes;
        this.heapEntries = heapEntries;
        this.registry = registry;
        this.store = new IdentityStore(ttl, this::publish);
    }

    /** Records read from the topic before this start was caught up with it (-1 until then). */
    public long recordsReadAtStart() {
        return recordsReadAtStart;
    }

    /** Records read from the topic since this start. */
    public long recordsRead() {
        return recordsRead.get();
    }

    /** The next offset per partition this start resumed from, as stored in the store (empty: from the beginning). */
    public Map<Integer, Long> resumedFrom() {
        return resumedFrom;
    }

    public IdentityStore store() {
        return store;
    }

    @Override
    protected void doStart() throws Exception {
        long startedAt = System.nanoTime();
        // First, before any Kafka call: a data directory in use by another Drover fails the start at once.
        MeterRegistry meters = registry == null ? null : registry.get();
        store.open(dir, cacheBytes, heapEntries, meters);
        try {
            startReading(meters);
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
        LOG.info("Identity store ready in {} ms: ~{} entries ({} MB on disk at {}); {} records read from {} at start, {}",
                (System.nanoTime() - startedAt) / 1_000_000, store.size(), store.diskBytes() / (1024 * 1024), dir,
                recordsReadAtStart, topic, resumedFrom.isEmpty() ? "from its beginning" : "from the offsets stored");
    }

    private void startReading(MeterRegistry meters) throws Exception {
        EventTopic.ensure(bootstrapServers, topic, 3, replicationFactor, Map.of(
                "cleanup.policy", "compact,delete",
                "retention.ms", String.valueOf(ttl.toMillis()),
                // Small segments so that compaction and expiry can act on a quiet topic too.
                "segment.ms", String.valueOf(Math.min(ttl.toMillis(), Duration.ofDays(1).toMillis()))));
        String topicId = topicId();
        if (meters != null) {
            Gauge.builder("drover.identity.topic.records.read", recordsRead, AtomicLong::get)
                    .description("Records of drover.identity read since the start").register(meters);
        }
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
        // A stored position the topic no longer has (expired, deleted records): from the earliest one it has.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = partitionsOf(topic, () -> consumer.partitionsFor(topic, Duration.ofSeconds(30)),
                Duration.ofSeconds(30));
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        IdentityDb db = store.db();
        String storedId = db.topicId(topic);
        Map<Integer, Long> stored = db.offsets(topic, partitions.stream().map(TopicPartition::partition).toList());
        if (!stored.isEmpty() && topicId != null && storedId != null && !storedId.equals(topicId)) {
            LOG.warn("{} is not the topic the identity store last read (its id was {}, now {}): read from its beginning",
                    topic, storedId, topicId);
            stored = Map.of();
        }
        Map<Integer, Long> resumed = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long offset = stored.get(tp.partition());
            if (offset != null && offset >= beginning.get(tp) && offset <= end.get(tp)) {
                consumer.seek(tp, offset);
                resumed.put(tp.partition(), offset);
            } else {
                if (offset != null) {
                    LOG.warn("The identity store's position {} in {}-{} is outside the topic's {}..{}: read from its"
                            + " beginning", offset, topic, tp.partition(), beginning.get(tp), end.get(tp));
                }
                consumer.seekToBeginning(List.of(tp));
            }
        }
        resumedFrom = Map.copyOf(resumed);
        if (topicId != null && !topicId.equals(storedId)) {
            db.setTopicId(topic, topicId);
        }
        running = true;
        reader = new Thread(() -> read(end), "drover-identity-reader");
        reader.setDaemon(true);
        reader.start();
        if (!caughtUp.await(60, TimeUnit.SECONDS)) {
            LOG.warn("The identity topic was not read to its end within 60 s; enrichment starts with a partial view");
        }
    }

    /**
     * The topic's partitions. A topic created a moment ago (by this start, or by another instance starting at the same
     * time) can be unknown for a little while to the broker that is asked: Kafka then answers no partitions, and
     * assigning none stopped the reader for good ("Consumer is not subscribed to any topics or assigned any
     * partitions", readiness DOWN until a restart; seen with three instances starting at once on a three-node
     * cluster). So it is asked again until the topic shows its partitions, within {@code atMost}.
     */
    static List<TopicPartition> partitionsOf(String topic, Supplier<List<PartitionInfo>> lookup, Duration atMost)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            List<PartitionInfo> infos = lookup.get();
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>(infos.size());
                infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
                return partitions;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("Kafka shows no partitions of " + topic + " within " + atMost);
            }
            Thread.sleep(100);   // metadata of a new topic reaches every broker within moments
        }
    }

    /** The topic's id (a topic deleted and created again under the same name has another); null if not known. */
    private String topicId() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return d == null || d.topicId() == null ? null : d.topicId().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.debug("Cannot read the id of {}: {}", topic, e.toString());
            return null;
        }
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
        // Last: the reader has stopped writing to it (and a late call finds it closed, not a crash).
        store.close();
    }

    private void read(Map<TopicPartition, Long> end) {
        Map<Integer, Long> stored = new HashMap<>();
        try {
            checkCaughtUp(end);
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                List<IdentityDb.Record> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<String, String> r : records) {
                    IdentityDb.Record record = record(r);
                    if (record != null) {
                        batch.add(record);
                    }
                }
                recordsRead.addAndGet(records.count());
                // The records and the positions after them in one write; positions also move past gaps (compacted
                // or deleted records), written when they change.
                Map<Integer, Long> positions = new HashMap<>();
                for (TopicPartition tp : consumer.assignment()) {
                    positions.put(tp.partition(), consumer.position(tp));
                }
                if (!batch.isEmpty() || !positions.equals(stored)) {
                    store.db().applyAll(batch, topic, positions);
                    stored = positions;
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
        recordsReadAtStart = recordsRead.get();
        caughtUp.countDown();
    }

    private IdentityDb.Record record(ConsumerRecord<String, String> r) {
        if (r.key() == null) {
            return null;
        }
        if (r.value() == null) {
            return new IdentityDb.Record(r.key(), null);
        }
        try {
            JsonNode v = MAPPER.readTree(r.value());
            JsonNode providers = v.path("providers");
            return new IdentityDb.Record(r.key(), new Identity(text(v, "userId"), text(v, "anonymousId"),
                    providers instanceof ObjectNode o ? o : MAPPER.createObjectNode(), v.path("updatedAt").asLong()));
        } catch (IOException e) {
            LOG.warn("Identity record {}-{} is not JSON; skipped", r.partition(), r.offset());
            return null;
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
