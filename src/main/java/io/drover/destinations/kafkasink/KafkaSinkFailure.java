package io.drover.destinations.kafkasink;

import io.drover.destinations.api.DeliveryException;
import org.apache.camel.Exchange;
import org.apache.kafka.common.errors.RetriableException;

/**
 * A record the sink's cluster did not acknowledge, as the {@link DeliveryException} Drover's consumer classifies:
 * Kafka's retriable errors (timeouts, no leader, not enough replicas, a broker down) are retried with backoff; the
 * others (record too large, not authorised, invalid topic) would fail the same way again and are dead-lettered.
 */
public final class KafkaSinkFailure {

    private KafkaSinkFailure() {
    }

    /** The route's catch step: rethrows the caught failure, classified. */
    public static void raise(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw classify(caught);
    }

    static DeliveryException classify(Throwable failure) {
        boolean retryable = failure == null;
        Throwable cause = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            cause = t;
            if (t instanceof RetriableException) {
                retryable = true;
                break;
            }
        }
        return new DeliveryException("the Kafka sink's cluster did not take the records: "
                + (cause == null ? "unknown failure" : cause.toString()), 0, null, retryable, -1);
    }
}
