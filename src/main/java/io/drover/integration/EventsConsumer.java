package io.drover.integration;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.EventTopic;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One integration's reader of drover.events: a Kafka consumer on its own thread and in its own consumer group, so that
 * a slow or failing vendor never holds back another. It hands the route one batch at a time and then:
 * <ul>
 * <li>delivered: commits the batch's offsets;</li>
 * <li>failed, retryable, policy allows: waits (backoff, jitter, Retry-After) while still polling with its partitions
 * paused, so that Kafka keeps it in the group however long the wait, then gives the route the same batch again;</li>
 * <li>failed otherwise: writes the batch's events to {@code drover.dlq.<integration>} (route {@code dead-letter}) with
 * the vendor's answer, then commits. If that write fails, it is tried again (backoff, still polling) without sending
 * the batch to the vendor again; nothing is committed until it succeeds.</li>
 * </ul>
 * Batches are handled one after the other, so one user's events (one partition) stay in order; a retried batch holds
 * back the rest of this integration only.
 * <p>
 * Scheduled delivery: a record is handed to the route only once it is due: {@code delay} after Drover received it
 * (the module's setting: Google Ads takes a click conversion only 6 hours after the click), or, for a record of the
 * retry topic ({@link RetryLater}: the vendor said the event came too early), at the time it carries. Records of a
 * partition are in arrival order, so a partition whose first record is not due is held as a whole: paused, its
 * position set back to that record, nothing committed past it, and resumed when it is due. Held events stay in Kafka
 * (they survive a restart) and are counted in {@code drover_integration_held} ({@link HeldPartitions}).
 */
public class EventsConsumer extends DefaultConsumer {

    /** Exchange property: the attempt number of this batch (1, 2, ...), for the route's steps. */
    public static final String ATTEMPT = "drover.attempt";
    /** The integration's {@link IntegrationMetrics}, for the selection step. */
    public static final String METRICS = "drover.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(EventsConsumer.class);
    /** How long a stop or a rebalance waits to confirm delivered offsets before giving up (they are delivered again). */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    /** A dead-letter record is never cut below this: an event (at most 32 KB) and its letter's fields fit. */
    private static final int MIN_RECORD_BYTES = 64 * 1024;

    private final EventsEndpoint endpoint;
    private final RetryPolicy retry;
    private final Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();
    private final Set<TopicPartition> revoked = new HashSet<>();
    /** Offsets committed without waiting and not yet confirmed by the broker (touched by the consumer thread only). */
    private final Map<TopicPartition, OffsetAndMetadata> unconfirmed = new HashMap<>();
    private final long delayMillis;
    /** Scheduled delivery: the partitions held until their first record is due. */
    private volatile HeldPartitions holds;
    private volatile boolean running;
    private volatile boolean reading;
    private Thread thread;
    private KafkaConsumer<String, byte[]> kafka;
    private long nextRequestAt;
    private org.apache.camel.ProducerTemplate template;
    private IntegrationMetrics metrics;
    /** What the console shows of each event's way through this integration (docs/console.md). */
    private io.drover.journey.Recorder journeys = io.drover.journey.Recorder.OFF;
    /** Where this integration starts if its group has never committed: events acknowledged from then on. */
    private long startTime;
    /** The largest dead-letter record the producer and the topic take. */
    private int maxRecordBytes = DeadLetters.DEFAULT_MAX_RECORD_BYTES;

    public EventsConsumer(EventsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.retry = endpoint.retryPolicy();
        this.delayMillis = endpoint.delayMillis();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        EventsComponent component = endpoint.getComponent();
        String dlq = DeadLetters.topic(endpoint.getIntegration());
        EventTopic.ensure(component.getBootstrapServers(), dlq, 1,
                java.util.Optional.ofNullable(component.getReplicationFactor()));
        maxRecordBytes = DeadLetters.maxRecordBytes(getEndpoint().getCamelContext(),
                EventTopic.maxMessageBytes(component.getBootstrapServers(), dlq));
        EventTopic.ensure(component.getBootstrapServers(), Replay.topic(endpoint.getIntegration()), 1,
                java.util.Optional.ofNullable(component.getReplicationFactor()));
        EventTopic.ensure(component.getBootstrapServers(), RetryLater.topic(endpoint.getIntegration()), 1,
                java.util.Optional.ofNullable(component.getReplicationFactor()));
        template = getEndpoint().getCamelContext().createProducerTemplate();
        startTime = component.startTime(endpoint.getIntegration());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, component.getBootstrapServers()))) {
            if (StartOffsets.commitBeforeJoining(admin, groupId(), component.getTopic(), startTime,
                    endpoint.getStartFrom().equals("earliest"))) {
                component.started(endpoint.getIntegration());
            }
        }
        metrics = new IntegrationMetrics(getEndpoint().getCamelContext(), endpoint.getIntegration());
        journeys = io.drover.journey.Journeys.recorder(getEndpoint().getCamelContext(), endpoint.getIntegration());
        kafka = new KafkaConsumer<>(consumerProperties());
        holds = new HeldPartitions(endpoint.getIntegration(), delayMillis, kafka);
        metrics.held(holds::now);
        // A KafkaMetric's value may be read from any thread (the consumer itself may not): the scrape reads it.
        kafka.metrics().forEach((name, metric) -> {
            if (name.name().equals("records-lag-max") && name.group().equals("consumer-fetch-manager-metrics")
                    && !name.tags().containsKey("topic")) {
                metrics.lag(metric);
            }
        });
        // Its replay topic too: dead letters sent back go through the same selection, delivery and retries.
        // And its retry topic: events a vendor said came too early, held until the time it named.
        kafka.subscribe(List.of(endpoint.getComponent().getTopic(), Replay.topic(endpoint.getIntegration()),
                RetryLater.topic(endpoint.getIntegration())), new Rebalance());
        running = true;
        thread = new Thread(this::run, "drover-integration-" + endpoint.getIntegration());
        thread.start();
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (kafka != null) {
            kafka.wakeup();
        }
        if (thread != null) {
            thread.join(Duration.ofSeconds(30).toMillis());
        }
        if (template != null) {
            template.stop();
        }
        if (metrics != null) {
            metrics.close();
        }
        super.doStop();
    }

    private String groupId() {
        return "drover-" + endpoint.getIntegration();
    }

    private Properties consumerProperties() {
        EventsComponent component = endpoint.getComponent();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, component.getBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "drover-" + endpoint.getIntegration());
        if (component.getInstanceId() != null && !component.getInstanceId().isBlank()) {
            // Static membership: after a restart the same member takes its partitions back at once.
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "drover-" + endpoint.getIntegration() + "-" + component.getInstanceId());
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, endpoint.getStartFrom());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(endpoint.getBatchSize()));
        if (endpoint.getBatchSize() > 1) {
            // The broker answers a fetch once about half a batch is there or the linger is over, rather than for each
            // new record: fewer, fuller fetches for the broker to serve per integration, within the linger's wait.
            p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(Math.min(endpoint.getBatchSize() * 256, 1 << 20)));
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(Math.max(1, Math.min(endpoint.getLingerMs(), 500))));
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private void run() {
        try {
            while (running) {
                List<ConsumerRecord<String, byte[]>> batch = collect();
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("Integration {} stopped reading events: {}", endpoint.getIntegration(), e.toString(), e);
        } finally {
            commitUnconfirmed(null);
            kafka.close(Duration.ofSeconds(10));
        }
    }

    /** Up to batchSize records; waits at most lingerMs after the first one for the batch to fill. */
    private List<ConsumerRecord<String, byte[]>> collect() {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(endpoint.getBatchSize());
        long deadline = Long.MAX_VALUE;
        while (running && batch.size() < endpoint.getBatchSize()) {
            if (pending.isEmpty()) {
                long wait = deadline == Long.MAX_VALUE ? 500 : deadline - System.currentTimeMillis();
                if (wait <= 0) {
                    break;
                }
                holds.release();
                kafka.poll(Duration.ofMillis(Math.max(1, Math.min(wait, Math.min(500, holds.untilNext())))))
                        .forEach(pending::add);
                if (pending.isEmpty()) {
                    continue;
                }
            }
            while (!pending.isEmpty() && batch.size() < endpoint.getBatchSize()) {
                ConsumerRecord<String, byte[]> r = pending.poll();
                if (!holds.hold(r)) {
                    batch.add(r);
                } else {
                    // read again from the held record on when its partition is resumed
                    pending.removeIf(p -> p.partition() == r.partition() && p.topic().equals(r.topic()));
                }
            }
            if (deadline == Long.MAX_VALUE && !batch.isEmpty()) {
                deadline = System.currentTimeMillis() + endpoint.getLingerMs();
            }
        }
        return batch;
    }

    /** What this integration holds now (events not yet due, and the oldest one's wait in seconds). */
    public HeldEvents held() {
        return holds == null ? HeldEvents.NONE : holds.now();
    }

    /** The module's delay in ms (0: none). */
    public long delayMillis() {
        return delayMillis;
    }

    private void deliver(List<ConsumerRecord<String, byte[]>> batch) {
        Map<ObjectNode, Integer> deferrals = new IdentityHashMap<>();
        List<EventRecord> records = parse(batch, deferrals);
        Set<TopicPartition> partitions = partitionsOf(batch);
        revoked.clear();
        metrics.received(records.size());
        BatchState state = new BatchState();
        Map<ObjectNode, byte[]> stored = new IdentityHashMap<>(records.size());
        records.forEach(r -> stored.put(r.event(), r.json()));
        state.storedJson(stored);
        state.beforeRequest(this::throttle);
        state.metrics(metrics);
        long firstAttempt = System.currentTimeMillis();
        for (int attempt = 1; running; attempt++) {
            // A retry sends only what is still open: what a vendor took, or refused for good, is not sent again.
            List<ObjectNode> open = new ArrayList<>(records.size());
            records.forEach(r -> {
                if (state.isOpen(r.event())) {
                    open.add(r.event());
                }
            });
            Exception failure = null;
            if (!open.isEmpty()) {
                Exchange exchange = createExchange(false);
                exchange.setProperty(ATTEMPT, attempt);
                exchange.setProperty(METRICS, metrics);
                exchange.setProperty(BatchState.PROPERTY, state);
                exchange.setProperty(io.drover.journey.Recorder.PROPERTY, journeys.attempt(attempt));
                exchange.getIn().setBody(open);
                try {
                    getProcessor().process(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                }
                failure = unwrap(exchange.getException());
                releaseExchange(exchange, false);
            }
            if (failure == null) {
                metrics.delivered(state.deliveredCount(), firstAttempt);
                finish(batch, records, state, partitions, null, attempt, firstAttempt, deferrals);
                return;
            }
            long now = System.currentTimeMillis();
            if (isRetryable(failure) && retry.allowsAnother(attempt, firstAttempt, now)) {
                long delay = retry.delayMillis(attempt, failure instanceof DeliveryException d ? d.retryAfterMillis() : -1);
                LOG.warn("Integration {}: attempt {} failed ({}); retrying in {} ms", endpoint.getIntegration(), attempt,
                        describe(failure), delay);
                metrics.retried();
                journeys.retrying(open, describe(failure), delay);
                if (!waitPolling(delay, partitions)) {
                    return;
                }
                continue;
            }
            LOG.warn("Integration {}: giving up after {} attempts ({}); {} events to the dead-letter topic",
                    endpoint.getIntegration(), attempt, describe(failure),
                    records.stream().filter(r -> state.isOpen(r.event())).count());
            metrics.delivered(state.deliveredCount(), firstAttempt);
            finish(batch, records, state, partitions, failure, attempt, firstAttempt, deferrals);
            return;
        }
    }

    /**
     * Ends a batch: events refused for good go to the dead-letter topic with their own reason, and, after a final
     * failure, the events still open with the vendor's answer, in one dead-letter write (its requests, then its
     * letters); then the offsets are committed. A failed write is tried again (the batch is neither read nor sent to
     * the vendor again) until it succeeds, this integration stops, or a partition of the batch goes to another member,
     * which then reads the batch again.
     */
    private void finish(List<ConsumerRecord<String, byte[]>> batch, List<EventRecord> records, BatchState state,
                        Set<TopicPartition> partitions, Exception failure, int attempts, long firstAttempt,
                        Map<ObjectNode, Integer> deferrals) {
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
                        endpoint.getIntegration(), r.partition(), r.offset(), times - 1, d.reason());
                entries.add(new DeadLetters.Entry(r, new IllegalStateException("still too early after " + (times - 1)
                        + " retries: " + d.reason()), state.lastRequest()));
            } else {
                later.add(new RetryLater.Entry(r, d.dueAtMillis(), times, d.reason()));
            }
        }
        if (!later.isEmpty()) {
            if (!retryLater(later, partitions)) {
                seekBack(batch);
                return;
            }
        }
        for (EventRecord r : records) {
            BatchState.Rejection rejection = state.rejected().get(r.event());
            if (rejection != null) {
                LOG.warn("Integration {}: event at {}-{} refused for good ({}); to the dead-letter topic",
                        endpoint.getIntegration(), r.partition(), r.offset(), rejection.reason());
                entries.add(new DeadLetters.Entry(r, new IllegalArgumentException(rejection.reason()), rejection.request()));
            }
        }
        if (failure != null) {
            VendorRequest last = state.lastRequest();
            records.stream().filter(r -> state.isOpen(r.event()))
                    .forEach(r -> entries.add(new DeadLetters.Entry(r, failure, last)));
        }
        if (!entries.isEmpty() && !deadLetter(new DeadLetters.Write(endpoint.getIntegration(), entries, attempts,
                firstAttempt, System.currentTimeMillis()), partitions)) {
            seekBack(batch);
            return;
        }
        journeys.finished(records.stream().map(EventRecord::event).toList(), state::rejectionReason, state::isDeferred,
                state::isOpen, failure == null ? null : describe(failure));
        commit(batch);
    }

    /**
     * Writes events the vendor said came too early to the retry topic, with the time they are due, tried again with
     * backoff until it succeeds; false when the batch is no longer this consumer's.
     */
    private boolean retryLater(List<RetryLater.Entry> later, Set<TopicPartition> partitions) {
        for (int attempt = 1; ; attempt++) {
            List<org.apache.camel.Message> messages = RetryLater.messages(getEndpoint().getCamelContext(),
                    endpoint.getIntegration(), later);
            try {
                Exchange result = template.send(RetryLater.ENDPOINT_URI, ex -> ex.getIn().setBody(messages));
                if (result.getException() != null) {
                    throw result.getException();
                }
                metrics.deferred(later.size());
                LOG.info("Integration {}: {} events came too early for the vendor ({}); sent again from {}",
                        endpoint.getIntegration(), later.size(), later.get(0).reason(),
                        java.time.Instant.ofEpochMilli(later.get(0).dueAtMillis()));
                return true;
            } catch (Exception e) {
                long delay = retry.delayMillis(attempt, -1);
                LOG.error("Integration {}: cannot write {} events to its retry topic (attempt {}: {}); writing them again"
                        + " in {} ms", endpoint.getIntegration(), later.size(), attempt, e.toString(), delay);
                if (!waitPolling(delay, partitions)) {
                    return false;
                }
            }
        }
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

    /**
     * After Kafka refused a record as too large: the limits as they are now (the topic's may have been lowered since
     * the start), else half the last one; never below {@link #MIN_RECORD_BYTES}.
     */
    private int smallerLimit(int used) {
        int now = used;
        try {
            EventsComponent component = endpoint.getComponent();
            now = DeadLetters.maxRecordBytes(getEndpoint().getCamelContext(), EventTopic.maxMessageBytes(
                    component.getBootstrapServers(), DeadLetters.topic(endpoint.getIntegration())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.max(MIN_RECORD_BYTES, now < used ? now : used / 2);
    }

    /**
     * Writes the request records, then the letters, each send tried again with backoff until it succeeds; false when
     * the batch is no longer this consumer's (stopping, or its partitions went to another member).
     */
    private boolean deadLetter(DeadLetters.Write write, Set<TopicPartition> partitions) {
        if (send(write, true, partitions) && send(write, false, partitions)) {
            metrics.deadLettered(write.letterCount());
            return true;
        }
        return false;
    }

    private boolean send(DeadLetters.Write write, boolean requests, Set<TopicPartition> partitions) {
        String what = requests ? "the request records of " + write.letterCount() + " dead letters"
                : write.letterCount() + " dead letters";
        for (int attempt = 1; ; attempt++) {
            List<org.apache.camel.Message> messages = requests
                    ? write.requestMessages(getEndpoint().getCamelContext(), maxRecordBytes)
                    : write.letterMessages(getEndpoint().getCamelContext(), maxRecordBytes);
            if (messages.isEmpty()) {
                return true;
            }
            try {
                Exchange result = template.send(DeadLetters.ENDPOINT_URI, ex -> ex.getIn().setBody(messages));
                if (result.getException() != null) {
                    throw result.getException();
                }
                return true;
            } catch (Exception e) {
                metrics.deadLetterWriteFailed();
                if (tooLarge(e)) {
                    maxRecordBytes = smallerLimit(maxRecordBytes);
                }
                long delay = retry.delayMillis(attempt, -1);
                LOG.error("Integration {}: cannot write {} (attempt {}: {}); writing them again in {} ms (the events are"
                        + " not sent to the vendor again)", endpoint.getIntegration(), what, attempt, e.toString(), delay);
                if (!waitPolling(delay, partitions)) {
                    return false;
                }
            }
        }
    }

    /**
     * Waits while polling with this batch's partitions paused: the consumer stays in its group however long the wait.
     * Records of partitions assigned meanwhile are kept for later. False when a partition of the batch was revoked
     * (another member now owns it and will read the batch from the last commit).
     */
    private boolean waitPolling(long millis, Set<TopicPartition> partitions) {
        long until = System.currentTimeMillis() + millis;
        kafka.pause(kafka.assignment());
        try {
            while (running && System.currentTimeMillis() < until) {
                kafka.poll(Duration.ofMillis(Math.max(1, Math.min(200, until - System.currentTimeMillis()))))
                        .forEach(pending::add);
                kafka.pause(kafka.assignment());
                if (revoked.stream().anyMatch(partitions::contains)) {
                    LOG.info("Integration {}: partitions moved to another member during a retry; it takes the batch over",
                            endpoint.getIntegration());
                    return false;
                }
            }
            return running;
        } finally {
            holds.release();
            holds.resumeOthers();
        }
    }

    /** Spaces requests to the vendor: at most rateLimit per second, without dropping anything. */
    private void throttle() {
        if (endpoint.getRateLimit() <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now < nextRequestAt) {
            waitPolling(nextRequestAt - now, Set.of());
            now = System.currentTimeMillis();
        }
        nextRequestAt = Math.max(now, nextRequestAt) + (long) (1000 / endpoint.getRateLimit());
    }

    /**
     * Commits a finished batch without waiting for the broker: a wait per batch held the integration's thread for a
     * round trip 40 times a second at 20,000 events/s. Kafka sends commits in order, so a failed one is covered by
     * the next; what is not yet confirmed is committed synchronously before partitions go to another member and when
     * the consumer closes. A crash before the confirmation means those events are delivered again (at least once).
     */
    private void commit(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        unconfirmed.putAll(offsets);
        kafka.commitAsync(offsets, (done, failure) -> {
            if (failure == null) {
                done.forEach(unconfirmed::remove);   // only if no later commit replaced it meanwhile
            } else {
                LOG.warn("Integration {}: commit failed ({}); retried with the next one or before a rebalance",
                        endpoint.getIntegration(), failure.toString());
            }
        });
    }

    /** Commits, and waits for, what is delivered but not yet confirmed on these partitions (all: null). */
    private void commitUnconfirmed(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(unconfirmed);
        if (partitions != null) {
            offsets.keySet().retainAll(partitions);
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            // Bounded: with the cluster (or the embedded broker) gone, an unbounded commit held Drover's stop for
            // minutes (default.api.timeout.ms, twice); what is not confirmed is delivered again, never lost.
            try {
                kafka.commitSync(offsets, CONFIRM_TIMEOUT);
            } catch (WakeupException e) {
                kafka.commitSync(offsets, CONFIRM_TIMEOUT);   // a stop's wake-up call was still pending: used up now
            }
            offsets.forEach(unconfirmed::remove);
        } catch (RuntimeException e) {
            // The group moved on: the new owner reads from the last commit; duplicates, never a loss.
            LOG.warn("Integration {}: commit failed ({}); these events may be delivered again", endpoint.getIntegration(),
                    e.toString());
        }
    }

    private void seekBack(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        pending.removeIf(r -> first.containsKey(new TopicPartition(r.topic(), r.partition())));
        first.forEach((tp, offset) -> {
            if (kafka.assignment().contains(tp)) {
                kafka.seek(tp, offset);
            }
        });
    }

    private List<EventRecord> parse(List<ConsumerRecord<String, byte[]>> batch, Map<ObjectNode, Integer> deferrals) {
        List<EventRecord> records = new ArrayList<>(batch.size());
        ParsedEvents parsed = endpoint.getComponent().parsedEvents();
        String shared = endpoint.getComponent().getTopic();
        Map<TopicPartition, ParsedEvents.Ring> rings = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            try {
                ParsedEvents.Ring ring = rings.computeIfAbsent(new TopicPartition(r.topic(), r.partition()),
                        tp -> tp.topic().equals(shared) ? parsed.ring(tp) : ParsedEvents.UNSHARED);
                ObjectNode event = ring.event(r);
                if (event != null) {
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
            LOG.error("Integration {}: record {}-{} of the topic is not a JSON event; skipped", endpoint.getIntegration(),
                    r.partition(), r.offset());
        }
        return records;
    }

    private static Set<TopicPartition> partitionsOf(Collection<ConsumerRecord<String, byte[]>> batch) {
        Set<TopicPartition> set = new HashSet<>();
        batch.forEach(r -> set.add(new TopicPartition(r.topic(), r.partition())));
        return set;
    }

    private static String describe(Throwable failure) {
        if (failure instanceof DeliveryException d) {
            return d.status() > 0 ? "HTTP " + d.status() : d.getMessage();
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /** Notes revoked partitions, and forgets the records read ahead from them: their new owner reads them. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitUnconfirmed(partitions);
            revoked.addAll(partitions);
            holds.forget(partitions);
            pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
        }

        /**
         * A partition this group has never committed for (the commit before joining could not be made, or a replay
         * topic never read) starts as {@link StartOffsets} says, and that start is committed at once, so a restart
         * before the first delivery does not move it. Kafka's own "latest" would be the end as of the first
         * assignment, a second or more after ingestion began to acknowledge: those events were skipped.
         */
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("Integration {}: reading partitions {}", endpoint.getIntegration(), partitions);
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(new HashSet<>(partitions));
            List<TopicPartition> fresh = partitions.stream().filter(tp -> committed.get(tp) == null).toList();
            if (!fresh.isEmpty()) {
                Map<TopicPartition, Long> starts = StartOffsets.of(kafka, fresh, startTime,
                        endpoint.getStartFrom().equals("earliest"), Replay.topic(endpoint.getIntegration()),
                        RetryLater.topic(endpoint.getIntegration()));
                Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
                starts.forEach((tp, offset) -> {
                    kafka.seek(tp, offset);
                    commits.put(tp, new OffsetAndMetadata(offset));
                });
                kafka.commitSync(commits);
                LOG.info("Integration {}: starts at {} (events acknowledged since {})", endpoint.getIntegration(), starts,
                        java.time.Instant.ofEpochMilli(startTime));
            }
            endpoint.getComponent().started(endpoint.getIntegration());
            reading = true;
        }
    }

    /** Whether its reader thread runs (false once it stopped on an error while the route still runs). */
    public boolean readerAlive() {
        return thread != null && thread.isAlive();
    }

    /** Whether this consumer has had its partitions once (and so knows where it reads from). */
    public boolean isReading() {
        return reading;
    }
}
