package io.drover.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.awaitility.Awaitility;

/**
 * Reads a topic from its beginning in the background and indexes its records by messageId, so that tests can find
 * what Drover wrote. It reads the real topic through a plain Kafka consumer: nothing of Drover's is trusted here.
 */
public final class TopicReader implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A record as Kafka holds it ({@code raw}: its value's bytes; {@code rawHeaders}: the headers' bytes). */
    public record Event(String key, JsonNode value, Map<String, String> headers, int partition, long offset, byte[] raw,
                        Map<String, byte[]> rawHeaders) {
        public String text(String field) {
            JsonNode n = value.get(field);
            return n == null ? null : n.asText();
        }
    }

    private final Map<String, List<Event>> byMessageId = new ConcurrentHashMap<>();
    private final List<Event> all = new CopyOnWriteArrayList<>();
    /** Per partition, the offset of the next record to read, as of the last poll (every record before it is held). */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    /** Asks the reader's thread (the consumer is not thread-safe) for the end offsets of the topic as of now. */
    private final java.util.Queue<CompletableFuture<Map<TopicPartition, Long>>> endRequests = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicReader(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Records of aborted or unfinished transactions are never shown; Drover's writes are not transactional.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos == null || infos.isEmpty()) {
                return false;
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            return true;
        });
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        add(r);
                    }
                    for (TopicPartition tp : partitions) {
                        positions.put(tp, consumer.position(tp));
                    }
                    for (CompletableFuture<Map<TopicPartition, Long>> request; (request = endRequests.poll()) != null; ) {
                        try {
                            request.complete(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
                        } catch (RuntimeException e) {
                            request.completeExceptionally(e);
                        }
                    }
                }
            }
        }, "topic-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void add(ConsumerRecord<String, byte[]> r) {
        try {
            JsonNode value = MAPPER.readTree(r.value());
            Map<String, String> headers = new ConcurrentHashMap<>();
            Map<String, byte[]> rawHeaders = new ConcurrentHashMap<>();
            r.headers().forEach(h -> {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                rawHeaders.put(h.key(), h.value());
            });
            Event e = new Event(r.key(), value, headers, r.partition(), r.offset(), r.value(), rawHeaders);
            all.add(e);
            JsonNode id = value.get("messageId");
            if (id != null) {
                byMessageId.computeIfAbsent(id.asText(), k -> new CopyOnWriteArrayList<>()).add(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Not JSON in the topic at offset " + r.offset(), e);
        }
    }

    /** Waits for the record of this messageId and returns it. */
    public Event await(String messageId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> byMessageId.containsKey(messageId));
        return byMessageId.get(messageId).get(0);
    }

    public List<Event> find(String messageId) {
        return byMessageId.getOrDefault(messageId, List.of());
    }

    public List<Event> where(java.util.function.Predicate<Event> filter) {
        return all.stream().filter(filter).collect(Collectors.toList());
    }

    /**
     * The request record a dead letter names by its {@code requestId}, when this reader reads a dead-letter topic
     * (written before the letters, so it is there once the letter is).
     */
    public JsonNode requestOf(JsonNode letter) {
        String key = "request:" + letter.get("requestId").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !where(e -> key.equals(e.key())).isEmpty());
        return where(e -> key.equals(e.key())).get(0).value();
    }

    /**
     * Waits until this reader holds every record the topic held when it was called: what is not found afterwards
     * was not in the topic then (rather than not read yet).
     */
    public void awaitCaughtUp() {
        CompletableFuture<Map<TopicPartition, Long>> request = new CompletableFuture<>();
        endRequests.add(request);
        Map<TopicPartition, Long> ends;
        try {
            ends = request.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("No end offsets from the reader of the topic", e);
        }
        Awaitility.await("the reader reaches the end offsets " + ends).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue()));
    }

    public int size() {
        return all.size();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
