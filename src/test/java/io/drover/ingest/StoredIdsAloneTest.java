package io.drover.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.drover.buffer.EventBuffer;
import io.drover.buffer.EventTopic;
import io.drover.testing.TestDrover;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dedupe tail of the only instance (the embedded broker's, {@code drover.ingest.dedupe-across-instances=auto}):
 * it restores the window and the repeats stored before the start, then stops reading; a later record is this
 * instance's own write, checked at ingestion, so an integration asks about it without waiting for a reader. The
 * following tail, for comparison, reads the later repeat and marks it.
 */
class StoredIdsAloneTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void theOnlyInstanceRestoresThenStopsReading() throws Exception {
        String topic = "alone-" + UUID.randomUUID();
        String bootstrap = drover.server.bootstrapServers();
        EventTopic.ensure(bootstrap, topic, 1, Optional.empty());
        DedupeWindow window = new DedupeWindow(Duration.ofHours(1), 1000);
        byte[] key = DedupeWindow.bytes(window.key("web", "m-1"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            RecordMetadata first = send(producer, topic, key);
            RecordMetadata storedTwice = send(producer, topic, key);   // before the start: a retry stored twice

            StoredIdsTail alone = start(bootstrap, topic, new DedupeWindow(Duration.ofHours(1), 1000), false);
            StoredIdsTail following = start(bootstrap, topic, new DedupeWindow(Duration.ofHours(1), 1000), true);
            try {
                assertThat(alone.isRepeat(record(topic, first))).isFalse();
                assertThat(alone.isRepeat(record(topic, storedTwice))).as("restored repeat").isTrue();

                RecordMetadata later = send(producer, topic, key);
                long asked = System.nanoTime();
                assertThat(alone.isRepeat(record(topic, later))).isFalse();
                assertThat((System.nanoTime() - asked) / 1_000_000).as("ms to answer without a reader").isLessThan(500);
                assertThat(alone.unchecked()).isZero();
                assertThat(following.isRepeat(record(topic, later))).as("the following tail reads it").isTrue();
            } finally {
                alone.stop();
                following.stop();
            }
        }
    }

    private static StoredIdsTail start(String bootstrap, String topic, DedupeWindow window, boolean follow)
            throws InterruptedException {
        StoredIdsTail tail = new StoredIdsTail(bootstrap, topic, window, Duration.ofHours(1), 1000, follow);
        CountDownLatch restored = new CountDownLatch(1);
        Thread t = new Thread(() -> tail.run(ids -> restored.countDown()), "test-stored-ids");
        t.setDaemon(true);
        t.start();
        assertThat(restored.await(60, TimeUnit.SECONDS)).as("restored").isTrue();
        return tail;
    }

    private static RecordMetadata send(KafkaProducer<String, byte[]> producer, String topic, byte[] dedupe)
            throws Exception {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, "u", "{}".getBytes());
        r.headers().add(EventBuffer.DEDUPE_HEADER, dedupe);
        return producer.send(r).get(30, TimeUnit.SECONDS);
    }

    private static ConsumerRecord<String, byte[]> record(String topic, RecordMetadata at) {
        return new ConsumerRecord<>(topic, at.partition(), at.offset(), "u", "{}".getBytes());
    }
}
