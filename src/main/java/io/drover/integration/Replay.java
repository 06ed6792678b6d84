package io.drover.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends an integration's dead letters back through it: the events of {@code drover.dlq.<integration>} (from a time
 * on, up to now) are copied to {@code drover.replay.<integration>}, which that integration's consumer reads beside
 * drover.events, with the same selection, transformation, retries and dead-lettering: a replayed event that fails
 * again becomes a dead letter again, never lost. Only Kafka is needed, so the command works whether or not this
 * process runs the integration.
 */
public final class Replay {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Replay() {
    }

    public static String topic(String integration) {
        return "drover.replay." + integration;
    }

    /** Copies the dead letters written since {@code since} (null: all); returns how many events were replayed. */
    public static int run(String bootstrapServers, String integration, Instant since) throws Exception {
        String dlq = DeadLetters.topic(integration);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(dlq, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("no dead-letter topic " + dlq + ": is '" + integration + "' an integration?");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(dlq, i.partition())));
            consumer.assign(partitions);
            // Read up to the end as it is now: letters written while replaying (replays failing again) wait for next time.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekStart(consumer, partitions, since);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            while (!reached(consumer, end)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    JsonNode event = MAPPER.readTree(r.value()).get("event");
                    if (event != null && event.isObject()) {
                        sent.add(producer.send(new ProducerRecord<>(topic(integration), r.key(), MAPPER.writeValueAsBytes(event))));
                    }
                }
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            return sent.size();
        }
    }

    private static void seekStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Instant since) {
        if (since == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            if (at != null) {
                consumer.seek(tp, at.offset());
            } else {
                consumer.seekToEnd(List.of(tp));
            }
        }
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
