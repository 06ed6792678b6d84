package io.drover.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.EventBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Events as stored in {@code drover.events}, for an operator: one by its messageId, the latest that match a filter,
 * or those arriving now. Reads every partition without a consumer group (nothing is committed, no integration is
 * disturbed), from a point in time, and always within a time bound. Used on a worker thread, never an event loop.
 */
final class EventsReader implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One stored event, where it is, and its source (the record's header). */
    record Stored(int partition, long offset, long timestamp, String source, JsonNode event) {
        ObjectNode toJson() {
            ObjectNode json = MAPPER.createObjectNode().put("partition", partition).put("offset", offset)
                    .put("storedAt", java.time.Instant.ofEpochMilli(timestamp).toString()).put("source", source);
            json.set("event", event);
            return json;
        }
    }

    /** What an operator filters on; a null field matches anything. */
    record Match(String source, String type, String event, String userId, String anonymousId, String messageId) {
        boolean test(Stored s) {
            return (source == null || source.equals(s.source())) && is(type, s.event(), "type")
                    && is(event, s.event(), "event") && is(userId, s.event(), "userId")
                    && is(anonymousId, s.event(), "anonymousId") && is(messageId, s.event(), "messageId");
        }

        private static boolean is(String wanted, JsonNode event, String field) {
            return wanted == null || wanted.equals(event.path(field).asText(null));
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    EventsReader(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        this.consumer = new KafkaConsumer<>(p);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
    }

    /**
     * The matching events stored from {@code sinceMillis} to now, the latest {@code limit} of them, oldest first;
     * reading stops at {@code timeout} (then what was read is answered).
     */
    List<Stored> recent(Match match, long sinceMillis, int limit, Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        seek(sinceMillis, end);
        Deque<Stored> last = new ArrayDeque<>(limit);
        long deadline = System.nanoTime() + timeout.toNanos();
        String needle = match.messageId() == null ? null : "\"messageId\":\"" + match.messageId() + "\"";
        while (!caughtUp(end) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                    continue;
                }
                // A messageId is looked for in the bytes first: most records need no parsing.
                if (needle != null && !new String(r.value(), StandardCharsets.UTF_8).contains(needle)) {
                    continue;
                }
                Stored s = stored(r);
                if (s != null && match.test(s)) {
                    if (last.size() == limit) {
                        last.removeFirst();
                    }
                    last.addLast(s);
                }
            }
        }
        List<Stored> sorted = new ArrayList<>(last);
        sorted.sort(java.util.Comparator.comparingLong(Stored::timestamp));
        return sorted;
    }

    /**
     * The matching events stored from now on, to {@code sink}, while {@code running} says so; {@code reading} runs
     * once the end of every partition is known (anything stored after it will be seen).
     */
    void follow(Match match, BooleanSupplier running, Runnable reading, Consumer<Stored> sink) {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        reading.run();
        while (running.getAsBoolean()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                Stored s = stored(r);
                if (s != null && match.test(s)) {
                    sink.accept(s);
                }
            }
        }
    }

    private void seek(long sinceMillis, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(tp -> at.put(tp, sinceMillis));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp o = offsets.get(tp);
            consumer.seek(tp, o == null ? end.get(tp) : o.offset());
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static Stored stored(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode event = MAPPER.readTree(r.value());
            Header source = r.headers().lastHeader(EventBuffer.SOURCE_HEADER);
            return new Stored(r.partition(), r.offset(), r.timestamp(),
                    source == null ? null : new String(source.value(), StandardCharsets.UTF_8), event);
        } catch (IOException e) {
            // Not an event Drover wrote: not shown.
            return null;
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
