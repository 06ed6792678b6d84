package io.drover.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drover.buffer.EventBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Fills the dedupe window from what drover.events already holds, before ingestion takes its first request: a client
 * whose request was stored but never answered (Drover was killed meanwhile) re-sends it after the restart, and its
 * events must not be stored twice. The window lives in memory, and the topic is its durable copy: the last
 * {@code maxEntries} records within the window, spread over the partitions, are read back. Only the top-level
 * {@code messageId} of each record is read, with a streaming parser that skips everything else.
 *
 * <p>Every stored id is remembered, also those Drover generated (the topic does not say which were); they take room
 * in the window but can never match a client's id.
 */
final class DedupeRestore {

    private static final JsonFactory JSON = new JsonFactory();

    private DedupeRestore() {
    }

    /** Reads the tail of {@code topic} into {@code window}; returns how many ids were remembered. */
    static long run(String bootstrapServers, String topic, DedupeWindow window, Duration windowLength, int maxEntries) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "drover-dedupe-restore");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> since = new HashMap<>();
            long from = System.currentTimeMillis() - windowLength.toMillis();
            partitions.forEach(tp -> since.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> inWindow = consumer.offsetsForTimes(since);
            long perPartition = (maxEntries + partitions.size() - 1) / partitions.size();
            List<TopicPartition> toRead = new ArrayList<>(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = inWindow.get(tp);
                long start = Math.max(at != null ? at.offset() : end.get(tp), end.get(tp) - perPartition);
                consumer.seek(tp, Math.max(start, beginning.get(tp)));
            }
            long remembered = 0;
            while (someLeft(consumer, toRead, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    String source = header(r, EventBuffer.SOURCE_HEADER);
                    String messageId = messageId(r.value());
                    if (source != null && messageId != null) {
                        window.remember(window.key(source, messageId));
                        remembered++;
                    }
                }
            }
            return remembered;
        }
    }

    /** Pauses the partitions read up to their end; true while some are left. */
    private static boolean someLeft(KafkaConsumer<?, ?> consumer, List<TopicPartition> toRead, Map<TopicPartition, Long> end) {
        List<TopicPartition> finished = toRead.stream().filter(tp -> consumer.position(tp) >= end.get(tp)).toList();
        consumer.pause(finished);
        toRead.removeAll(finished);
        return !toRead.isEmpty();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The record's top-level messageId; nested objects are skipped unread. */
    static String messageId(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("messageId")) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
