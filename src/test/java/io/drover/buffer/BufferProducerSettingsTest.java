package io.drover.buffer;

import io.drover.testing.TestDrover;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buffer's producer gets the settings application.properties gives it, as camel-main applies them to the Kafka
 * component: durability (acks=all, idempotence), and the batching that the benchmarks chose (docs/benchmarks.md).
 */
class BufferProducerSettingsTest {

    @Test
    void theBuffersProducerIsDurableAndBatchesWholeRequests() {
        KafkaConfiguration kafka = TestDrover.shared().server.context()
                .getComponent("kafka", KafkaComponent.class).getConfiguration();

        assertThat(kafka.getRequestRequiredAcks()).isEqualTo("all");
        assertThat(kafka.isEnableIdempotence()).isTrue();
        assertThat(kafka.getLingerMs()).isEqualTo(2);
        // 128 KiB, not Kafka's 16 KiB: one partition's share of a batch of 100 events fits in one batch.
        assertThat(kafka.getProducerBatchSize()).isEqualTo(131072);
    }
}
