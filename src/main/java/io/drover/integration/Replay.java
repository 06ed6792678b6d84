package io.drover.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends an integration's dead letters back through it: the events of the letters of {@code drover.dlq.<integration>}
 * that match a {@link DeadLetterFilter} (up to now; request records never) are copied to
 * {@code drover.replay.<integration>}, which that integration's consumer reads beside drover.events, with the same
 * selection, transformation, retries and dead-lettering: a replayed event that fails again becomes a dead letter
 * again, never lost. Only Kafka is needed, so the command works whether or not this process runs the integration.
 */
public final class Replay {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Replay() {
    }

    public static String topic(String integration) {
        return "drover.replay." + integration;
    }

    /**
     * Copies the events of the dead letters that match; returns how many.
     *
     * @throws DeadLetterReader.NoDeadLetters when the integration has no dead-letter topic
     */
    public static int run(String bootstrapServers, String integration, DeadLetterFilter filter) throws Exception {
        return run(bootstrapServers, integration, filter, letter -> true, n -> { });
    }

    /**
     * As {@link #run(String, String, DeadLetterFilter)}, for the letters among those matching that {@code select}
     * takes (the console's selection), telling {@code progress} how many were sent so far.
     */
    public static int run(String bootstrapServers, String integration, DeadLetterFilter filter,
                          java.util.function.Predicate<DeadLetterReader.Letter> select,
                          java.util.function.IntConsumer progress) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (DeadLetterReader reader = new DeadLetterReader(bootstrapServers, integration, Duration.ofSeconds(30));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            Exception[] failure = {null};
            reader.forEach(filter, letter -> {
                if (letter.value().get("event").isObject() && select.test(letter)) {
                    try {
                        sent.add(producer.send(new ProducerRecord<>(topic(integration), letter.key(),
                                MAPPER.writeValueAsBytes(letter.value().get("event")))));
                        progress.accept(sent.size());
                    } catch (Exception e) {
                        failure[0] = e;
                        return false;
                    }
                }
                return true;
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            return sent.size();
        }
    }
}
