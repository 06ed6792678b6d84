package io.drover.integration;

import java.lang.ref.WeakReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IntegrationMetricsTest {

    /** A gauge keeps its object weakly: the held gauges read NaN once a GC had collected their supplier. */
    @Test
    void theHeldGaugesStillReadAfterAGarbageCollection() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getRegistry().bind("meters", registry);
            IntegrationMetrics metrics = new IntegrationMetrics(context, "gc-test");
            HeldEvents now = new HeldEvents(3, 1.5);
            metrics.held(() -> now);
            // A canary collected by the same GC: once it is gone, so would be a weakly kept supplier.
            WeakReference<Object> canary = new WeakReference<>(new Object());
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                System.gc();
                return canary.get() == null;
            });
            assertThat(registry.get("drover.integration.held").tag("integration", "gc-test").gauge().value()).isEqualTo(3.0);
            assertThat(registry.get("drover.integration.held.oldest.seconds").gauge().value()).isEqualTo(1.5);
        }
    }
}
