package io.drover.integration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.StoredIds;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.VendorRequest;
import io.drover.journey.Recorder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of one batch, in one lane ({@link Lanes}): hands the route the batch, then
 * <ul>
 * <li>delivered: the batch is finished (its offsets may be committed);</li>
 * <li>failed, retryable, policy allows: waits (backoff, jitter, Retry-After) and gives the route the events still
 * open again (what a vendor took, or refused for good, is not sent again);</li>
 * <li>failed otherwise: writes the batch's events to {@code drover.dlq.<integration>} (route {@code dead-letter}) with
 * the vendor's answer, then the batch is finished. If that write fails, it is tried again (backoff) without sending
 * the batch to the vendor again; nothing is finished until it succeeds.</li>
 * </ul>
 * Events a vendor said came too early go to the integration's retry topic ({@link RetryLater}) first. A wait gives up
 * when Drover stops or a partition of the batch goes to another member (which reads the batch from the last commit).
 */
final class BatchDelivery implements Lanes.Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDelivery.class);
    /** How often a wait looks whether it should give up. */
    private static final long WAIT_STEP_MS = 50;

    private final EventsConsumer consumer;
    private final String integration;
    private final RetryPolicy retry;
    private final IntegrationMetrics metrics;
    /** This lane's recorder (one per lane: a recorder holds one batch's state). */
    private final Recorder journeys;
    private final StoredIds storedIds;

    BatchDelivery(EventsConsumer consumer, IntegrationMetrics metrics, Recorder journeys, StoredIds storedIds) {
        this.consumer = consumer;
        this.integration = consumer.eventsEndpoint().getIntegration();
        this.retry = consumer.eventsEndpoint().retryPolicy();
        this.metrics = metrics;
        this.journeys = journeys;
        this.storedIds = storedIds;
    }

    @Override
    public boolean deliver(List<Lanes.Item> items) {
        Set<OffsetTracker.Partition> partitions = new HashSet<>();
        items.forEach(i -> partitions.add(i.partition()));
        Map<ObjectNode, Integer> deferrals = new IdentityHashMap<>();
        List<EventRecord> records = parse(items, deferrals);
        if (records.isEmpty()) {
            return true;
        }
        metrics.received(records.size());
        BatchState state = new BatchState();
        Map<ObjectNode, byte[]> stored = new IdentityHashMap<>(records.size());
        records.forEach(r -> stored.put(r.event(), r.json()));
        state.storedJson(stored);
        state.beforeRequest(this::throttle);
        state.metrics(metrics);
        long firstAttempt = System.currentTimeMillis();
        for (int attempt = 1; consumer.running(); attempt++) {
            List<ObjectNode> open = new ArrayList<>(records.size());
            records.forEach(r -> {
                if (state.isOpen(r.event())) {
                    open.add(r.event());
                }
            });
            Exception failure = null;
            if (!open.isEmpty()) {
                Exchange exchange = consumer.newExchange();
                exchange.setProperty(EventsConsumer.ATTEMPT, attempt);
                exchange.setProperty(EventsConsumer.METRICS, metrics);
                exchange.setProperty(BatchState.PROPERTY, state);
                exchange.setProperty(Recorder.PROPERTY, journeys.attempt(attempt));
                exchange.getIn().setBody(open);
                try {
                    consumer.getProcessor().process(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                }
                failure = unwrap(exchange.getException());
                consumer.release(exchange);
            }
            if (failure == null) {
                metrics.delivered(state.deliveredCount(), firstAttempt);
                return finish(records, state, partitions, null, attempt, firstAttempt, deferrals);
            }
            long now = System.currentTimeMillis();
            if (isRetryable(failure) && retry.allowsAnother(attempt, firstAttempt, now)) {
                long delay = retry.delayMillis(attempt, failure instanceof DeliveryException d ? d.retryAfterMillis() : -1);
                LOG.warn("Integration {}: attempt {} failed ({}); retrying in {} ms", integration, attempt,
                        describe(failure), delay);
                metrics.retried();
                journeys.retrying(open, describe(failure), delay);
                if (!await(delay, partitions)) {
                    return false;
                }
                continue;
            }
            LOG.warn("Integration {}: giving up after {} attempts ({}); {} events to the dead-letter topic",
                    integration, attempt, describe(failure),
                    records.stream().filter(r -> state.isOpen(r.event())).count());
            metrics.delivered(state.deliveredCount(), firstAttempt);
            return finish(records, state, partitions, failure, attempt, firstAttempt, deferrals);
        }
        return false;
    }

    /**
     * Ends a batch: events refused for good go to the dead-letter topic with their own reason, and, after a final
     * failure, the events still open with the vendor's answer, in one dead-letter write (its requests, then its
     * letters). A failed write is tried again (the batch is not sent to the vendor again) until it succeeds; false
     * when it gave up (stopping, or a partition went to another member).
     */
    private boolean finish(List<EventRecord> records, BatchState state, Set<OffsetTracker.Partition> partitions,
                           Exception failure, int attempts, long firstAttempt, Map<ObjectNode, Integer> deferrals) {
        List<DeadLetters.Entry> entries = new ArrayList<>();
        List<RetryLater.Entry> later = new ArrayList<>();
        for (EventRecord r : records) {
            BatchState.Deferral d = state.deferred().get(r.event());
            if (d == null) {
                continue;
            }
            int times = deferrals.getOrDefault(r.event(), 0) + 1;
            if (times > RetryLater.MAX_DEFERRALS) {
                LOG.warn("Integration {}: event at {}-{} still too early after {} retries ({}); to the dead-letter topic",
                        integration, r.partition(), r.offset(), times - 1, d.reason());
                entries.add(new DeadLetters.Entry(r, new IllegalStateException("still too early after " + (times - 1)
                        + " retries: " + d.reason()), state.lastRequest()));
            } else {
                later.add(new RetryLater.Entry(r, d.dueAtMillis(), times, d.reason()));
            }
        }
        if (!later.isEmpty() && !retryLater(later, partitions)) {
            return false;
        }
        for (EventRecord r : records) {
            BatchState.Rejection rejection = state.rejected().get(r.event());
            if (rejection != null) {
                LOG.warn("Integration {}: event at {}-{} refused for good ({}); to the dead-letter topic",
                        integration, r.partition(), r.offset(), rejection.reason());
                entries.add(new DeadLetters.Entry(r, new IllegalArgumentException(rejection.reason()), rejection.request()));
            }
        }
        if (failure != null) {
            VendorRequest last = state.lastRequest();
            records.stream().filter(r -> state.isOpen(r.event()))
                    .forEach(r -> entries.add(new DeadLetters.Entry(r, failure, last)));
        }
        if (!entries.isEmpty() && !deadLetter(new DeadLetters.Write(integration, entries, attempts,
                firstAttempt, System.currentTimeMillis()), partitions)) {
            return false;
        }
        journeys.finished(records.stream().map(EventRecord::event).toList(), state::rejectionReason, state::isDeferred,
                state::isOpen, failure == null ? null : describe(failure));
        return true;
    }

    /**
     * Writes events the vendor said came too early to the retry topic, with the time they are due, tried again with
     * backoff until it succeeds; false when the batch is no longer this consumer's.
     */
    private boolean retryLater(List<RetryLater.Entry> later, Set<OffsetTracker.Partition> partitions) {
        for (int attempt = 1; ; attempt++) {
            List<Message> messages = RetryLater.messages(consumer.getEndpoint().getCamelContext(), integration, later);
            try {
                Exchange result = consumer.template().send(RetryLater.ENDPOINT_URI, ex -> ex.getIn().setBody(messages));
                if (result.getException() != null) {
                    throw result.getException();
                }
                metrics.deferred(later.size());
                LOG.info("Integration {}: {} events came too early for the vendor ({}); sent again from {}",
                        integration, later.size(), later.get(0).reason(),
                        java.time.Instant.ofEpochMilli(later.get(0).dueAtMillis()));
                return true;
            } catch (Exception e) {
                long delay = retry.delayMillis(attempt, -1);
                LOG.error("Integration {}: cannot write {} events to its retry topic (attempt {}: {}); writing them again"
                        + " in {} ms", integration, later.size(), attempt, e.toString(), delay);
                if (!await(delay, partitions)) {
                    return false;
                }
            }
        }
    }

    /**
     * Writes the request records, then the letters, each send tried again with backoff until it succeeds; false when
     * the batch is no longer this consumer's (stopping, or its partitions went to another member).
     */
    private boolean deadLetter(DeadLetters.Write write, Set<OffsetTracker.Partition> partitions) {
        if (send(write, true, partitions) && send(write, false, partitions)) {
            metrics.deadLettered(write.letterCount());
            return true;
        }
        return false;
    }

    private boolean send(DeadLetters.Write write, boolean requests, Set<OffsetTracker.Partition> partitions) {
        String what = requests ? "the request records of " + write.letterCount() + " dead letters"
                : write.letterCount() + " dead letters";
        for (int attempt = 1; ; attempt++) {
            int maxBytes = consumer.maxRecordBytes();
            List<Message> messages = requests
                    ? write.requestMessages(consumer.getEndpoint().getCamelContext(), maxBytes)
                    : write.letterMessages(consumer.getEndpoint().getCamelContext(), maxBytes);
            if (messages.isEmpty()) {
                return true;
            }
            try {
                Exchange result = consumer.template().send(DeadLetters.ENDPOINT_URI, ex -> ex.getIn().setBody(messages));
                if (result.getException() != null) {
                    throw result.getException();
                }
                return true;
            } catch (Exception e) {
                metrics.deadLetterWriteFailed();
                if (tooLarge(e)) {
                    consumer.lowerMaxRecordBytes(maxBytes);
                }
                long delay = retry.delayMillis(attempt, -1);
                LOG.error("Integration {}: cannot write {} (attempt {}: {}); writing them again in {} ms (the events are"
                        + " not sent to the vendor again)", integration, what, attempt, e.toString(), delay);
                if (!await(delay, partitions)) {
                    return false;
                }
            }
        }
    }

    /**
     * Waits; false when Drover stops or a partition of the batch went to another member meanwhile (it takes the
     * batch over from the last commit). The lane's thread waits, never the poll thread: the consumer stays in its
     * group however long the wait.
     */
    private boolean await(long millis, Set<OffsetTracker.Partition> partitions) {
        long until = System.currentTimeMillis() + millis;
        try {
            while (consumer.running()) {
                if (partitions.stream().anyMatch(OffsetTracker.Partition::revoked)) {
                    LOG.info("Integration {}: partitions moved to another member during a retry; it takes the batch over",
                            integration);
                    return false;
                }
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    return true;
                }
                Thread.sleep(Math.min(left, WAIT_STEP_MS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Spaces requests to the vendor: at most rateLimit per second over all lanes, without dropping anything. */
    private void throttle() {
        long wait = consumer.reserveRequest();
        if (wait > 0) {
            await(wait, Set.of());
        }
    }

    /**
     * The batch's events, parsed once per instance for all integrations ({@link ParsedEvents}). A record of
     * drover.events whose message id an earlier record of its partition carries (a client's retry stored twice,
     * through another instance or before a restart) is left out: {@link StoredIds}.
     */
    private List<EventRecord> parse(List<Lanes.Item> items, Map<ObjectNode, Integer> deferrals) {
        List<EventRecord> records = new ArrayList<>(items.size());
        ParsedEvents parsed = consumer.eventsEndpoint().getComponent().parsedEvents();
        String shared = consumer.eventsEndpoint().getComponent().getTopic();
        Map<TopicPartition, ParsedEvents.Ring> rings = new HashMap<>();
        for (Lanes.Item item : items) {
            ConsumerRecord<String, byte[]> r = item.record();
            try {
                boolean main = r.topic().equals(shared);
                ParsedEvents.Ring ring = rings.computeIfAbsent(item.partition().tp,
                        tp -> main ? parsed.ring(tp) : ParsedEvents.UNSHARED);
                ObjectNode event = ring.event(r);
                if (event != null) {
                    if (main && storedIds.isRepeat(r)) {
                        metrics.filtered("duplicate");
                        continue;
                    }
                    records.add(new EventRecord(r.key(), r.partition(), r.offset(), event, r.value()));
                    int times = RetryLater.deferrals(r);
                    if (times > 0) {
                        deferrals.put(event, times);
                    }
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                // falls through
            }
            // Only Drover writes this topic, after validation: a record that is not a JSON object is skipped, loudly.
            LOG.error("Integration {}: record {}-{} of the topic is not a JSON event; skipped", integration,
                    r.partition(), r.offset());
        }
        return records;
    }

    /** The vendor's answer when there is one (the split step wraps it in a CamelExchangeException). */
    static Exception unwrap(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeliveryException d) {
                return d;
            }
        }
        return failure;
    }

    /** Anything that is not a vendor's final "no" or a bug in the transformation is worth another try. */
    static boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeliveryException d) {
                return d.retryable();
            }
            if (t instanceof TargetGuard.Refused) {
                return false;   // the name now resolves only to refused addresses (DNS rebinding): dead letters
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Whether Kafka refused a record as too large (somewhere in Camel's wrapping). */
    private static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable failure) {
        if (failure instanceof DeliveryException d) {
            return d.status() > 0 ? "HTTP " + d.status() : d.getMessage();
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
