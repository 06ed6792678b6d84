package io.drover.health;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Prometheus' conventions on every metric of the admin port, Camel's included: label names in snake_case (Camel tags
 * its meters {@code camelContext}, {@code routeId}, {@code eventType}...; {@code promtool check metrics} warns on each).
 * Added to the registry before Camel's routes register their meters.
 */
public final class MetricConventions {

    /** Help texts for Camel's meters that come without one. */
    private static final java.util.Map<String, String> HELP = java.util.Map.of(
            "app.info", "Camel's version and runtime",
            "camel.routes.added", "Routes added to the Camel context",
            "camel.routes.reloaded", "Routes reloaded in the Camel context",
            "camel.routes.running", "Routes running in the Camel context");

    private MetricConventions() {
    }

    /** The registry Camel's metrics and Drover's use, with the conventions applied before any meter exists. */
    public static io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry() {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        apply(registry);
        return registry;
    }

    /**
     * The Kafka client meters exported (of hundreds): the producer's health. Its latencies are left out: Kafka gives
     * them in milliseconds, Prometheus wants seconds, and drover_ingest_request_seconds (the acknowledgement
     * included) says it already.
     */
    private static final java.util.Set<String> KAFKA = java.util.Set.of(
            "kafka.producer.record.send.total", "kafka.producer.record.error.total", "kafka.producer.record.retry.total",
            "kafka.producer.connection.count", "kafka.producer.buffer.available.bytes");

    /** Kafka's names in Prometheus' terms: no "_count" on a gauge. */
    private static final java.util.Map<String, String> KAFKA_NAMES = java.util.Map.of(
            "kafka.producer.connection.count", "kafka.producer.connections");

    public static void apply(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.denyUnless(id -> !id.getName().startsWith("kafka.")
                || KAFKA.contains(id.getName()) || KAFKA_NAMES.containsValue(id.getName())));
        // Nanoseconds in the name ("process_cpu_time_ns_total"): process_cpu_usage says the same in Prometheus' way.
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        // "system_cpu_count" reads as a summary's _count series: system_cpus (below).
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().equals("system.cpu.count")) {
                    id = id.withName("system.cpus");
                }
                if (KAFKA_NAMES.containsKey(id.getName())) {
                    id = id.withName(KAFKA_NAMES.get(id.getName()));
                }
                if ((id.getDescription() == null || id.getDescription().isBlank()) && HELP.containsKey(id.getName())) {
                    id = new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), HELP.get(id.getName()),
                            id.getType());
                }
                boolean camelCase = false;
                for (Tag tag : id.getTagsAsIterable()) {
                    camelCase |= !snakeCase(tag.getKey()).equals(tag.getKey());
                }
                if (!camelCase) {
                    return id;
                }
                java.util.List<Tag> tags = new java.util.ArrayList<>();
                for (Tag tag : id.getTagsAsIterable()) {
                    tags.add(Tag.of(snakeCase(tag.getKey()), tag.getValue()));
                }
                return id.replaceTags(tags);
            }
        });
    }

    /** {@code routeId} to {@code route_id}. */
    static String snakeCase(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && name.charAt(i - 1) != '_') {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
