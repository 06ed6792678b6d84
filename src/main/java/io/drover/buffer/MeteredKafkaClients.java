package io.drover.buffer;

import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.producer.Producer;

/**
 * The buffer's Kafka producer with its health in the metrics (records sent, errors, retries, request latency, the
 * connections it holds): camel-kafka creates it through this factory. Only the meters {@code MetricConventions}
 * lets through are exported (Kafka has hundreds).
 */
public final class MeteredKafkaClients extends DefaultKafkaClientFactory {

    private final MeterRegistry registry;

    public MeteredKafkaClients(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Producer getProducer(Properties properties) {
        Producer producer = super.getProducer(properties);
        new KafkaClientMetrics(producer).bindTo(registry);
        return producer;
    }
}
