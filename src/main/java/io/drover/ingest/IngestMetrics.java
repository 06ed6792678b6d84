package io.drover.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Ingestion counters, exported with Camel's metrics (Prometheus format on the admin port). */
final class IngestMetrics {

    private final MeterRegistry registry;
    private final Counter clientMetrics;

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry != null ? registry : new SimpleMeterRegistry();
        this.clientMetrics = Counter.builder("drover.ingest.client.metrics")
                .description("analytics.js client metric posts received on /v1/m").register(this.registry);
    }

    /** One answered request, by endpoint and HTTP status. */
    void request(String endpoint, int status) {
        Counter.builder("drover.ingest.requests").description("Ingestion requests answered")
                .tag("endpoint", endpoint).tag("status", String.valueOf(status)).register(registry).increment();
    }

    /** Messages of a source: stored, or dropped as duplicates of a recent messageId. */
    void events(String source, String outcome, int count) {
        Counter.builder("drover.ingest.events").description("Messages accepted by the ingestion API")
                .tag("source", source).tag("outcome", outcome).register(registry).increment(count);
    }

    /** A CORS pre-flight refused, by reason (origin, headers). */
    void preflightRefused(String reason) {
        Counter.builder("drover.ingest.preflight.refused").description("CORS pre-flights refused")
                .tag("reason", reason).register(registry).increment();
    }

    /**
     * A browser source's message whose userId the identity store did not believe: no userHash ({@code missing}) or
     * not the right one ({@code wrong}; many of these: a misconfigured secret, or someone claiming others' userIds).
     */
    void unverifiedUserId(String source, String reason) {
        Counter.builder("drover.identity.unverified.user.ids")
                .description("Browser messages whose userId was not verified, so not linked nor looked up")
                .tag("source", source).tag("reason", reason).register(registry).increment();
    }

    void clientMetrics() {
        clientMetrics.increment();
    }

    double clientMetricsCount() {
        return clientMetrics.count();
    }
}
