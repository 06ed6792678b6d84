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
import io.drover.buffer.StoredIds;
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
 * One integration's reader of drover.events: a Kafka consumer in its own consumer group, so that a slow or failing
 * vendor never holds back another. Split as camel-kafka splits its consumer:
 * <ul>
 * <li>this class: the Camel consumer's life and the poll loop, on one thread (a Kafka consumer is used by one
 * thread), which hands each record to the lane of its key ({@link Lanes}, {@code concurrency} of them) and pauses
 * reading while the lanes hold more than they can send soon;</li>
 * <li>{@link OffsetTracker}: which records are finished, and the commits, only below the lowest unfinished one;</li>
 * <li>{@link BatchDelivery}: one batch's attempts, retries and dead letters, in its lane's thread.</li>
 * </ul>
 * Why not camel-kafka's consumer: it commits by exchange, one record or one poll at a time, and its retries hold
 * the poll loop or skip; Drover needs batches cut by size and time across partitions, several in flight in key
 * order, retries that last hours without leaving the group, scheduled delivery, and commits below unfinished work
 * (docs/integrations.md, "Delivery").
 * <p>
 * Scheduled delivery: a record is handed to a lane only once it is due: {@code delay} after Drover received it
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
    /** How long a stop or a rebalance waits for attempts in flight and to confirm commits (then: delivered again). */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    /** A dead-letter record is never cut below this: an event (at most 32 KB) and its letter's fields fit. */
    private static final int MIN_RECORD_BYTES = 64 * 1024;

    private final EventsEndpoint endpoint;
    private final long delayMillis;
    /** Scheduled delivery: the partitions held until their first record is due. */
    private volatile HeldPartitions holds;
    private volatile boolean running;
    private volatile boolean reading;
    private Thread thread;
    private KafkaConsumer<String, byte[]> kafka;
    private OffsetTracker offsets;
    private Lanes lanes;
    /** The lanes hold this many records at most before the poll loop pauses its partitions. */
    private int maxQueued;
    private boolean pausedForLanes;
    private long nextRequestAt;
    private org.apache.camel.ProducerTemplate template;
    private IntegrationMetrics metrics;
    /** Where this integration starts if its group has never committed: events acknowledged from then on. */
    private long startTime;
    /** The largest dead-letter record the producer and the topic take. */
    private volatile int maxRecordBytes = DeadLetters.DEFAULT_MAX_RECORD_BYTES;

    public EventsConsumer(EventsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
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
        kafka = new KafkaConsumer<>(consumerProperties());
        holds = new HeldPartitions(endpoint.getIntegration(), delayMillis, kafka);
        offsets = new OffsetTracker(endpoint.getIntegration(), kafka);
        StoredIds storedIds = component.storedIds();
        List<Lanes.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < endpoint.getConcurrency(); i++) {
            deliveries.add(new BatchDelivery(this, metrics, io.drover.journey.Journeys.recorder(
                    getEndpoint().getCamelContext(), endpoint.getIntegration()), storedIds));
        }
        lanes = new Lanes(endpoint.getIntegration(), endpoint.getBatchSize(), endpoint.getLingerMs(), deliveries);
        // Enough for every lane's next two batches: reading stays ahead of sending, without holding the topic in memory.
        maxQueued = Math.max(2 * endpoint.getBatchSize() * endpoint.getConcurrency(), 512);
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
        lanes.start();
        thread = new Thread(this::run, "drover-integration-" + endpoint.getIntegration() + "-poll");
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

    /** The poll loop: reads, hands records to their lanes, commits what the lanes finished. */
    private void run() {
        try {
            while (running) {
                if (lanes.failure() != null) {
                    return;
                }
                holds.release();
                backPressure();
                long wait = Math.max(1, Math.min(pausedForLanes ? 50 : 200, holds.untilNext()));
                var records = kafka.poll(Duration.ofMillis(wait));
                List<Lanes.Item> due = new ArrayList<>(records.count());
                for (ConsumerRecord<String, byte[]> r : records) {
                    // a record not due holds its partition from it on: it is read again when the partition resumes
                    if (!holds.hold(r)) {
                        OffsetTracker.Partition p = offsets.of(new TopicPartition(r.topic(), r.partition()));
                        p.dispatched(r.offset());
                        due.add(new Lanes.Item(r, p));
                    }
                }
                lanes.add(due);
                offsets.commitFinished();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("Integration {} stopped reading events: {}", endpoint.getIntegration(), e.toString(), e);
        } finally {
            running = false;
            try {
                lanes.stop(25_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            offsets.commitSync(null, CONFIRM_TIMEOUT);
            kafka.close(Duration.ofSeconds(10));
        }
    }

    /** Pauses reading while the lanes hold more than {@link #maxQueued} records; resumes below half of it. */
    private void backPressure() {
        int queued = lanes.queued();
        if (!pausedForLanes && queued >= maxQueued) {
            kafka.pause(kafka.assignment());
            pausedForLanes = true;
        } else if (pausedForLanes && queued < maxQueued / 2) {
            holds.resumeOthers();
            pausedForLanes = false;
        }
    }

    boolean running() {
        return running;
    }

    EventsEndpoint eventsEndpoint() {
        return endpoint;
    }

    Exchange newExchange() {
        return createExchange(false);
    }

    void release(Exchange exchange) {
        releaseExchange(exchange, false);
    }

    org.apache.camel.ProducerTemplate template() {
        return template;
    }

    int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * After Kafka refused a record of {@code used} bytes as too large: the limits as they are now (the topic's may
     * have been lowered since the start), else half the last one; never below {@link #MIN_RECORD_BYTES}.
     */
    void lowerMaxRecordBytes(int used) {
        int now = used;
        try {
            EventsComponent component = endpoint.getComponent();
            now = DeadLetters.maxRecordBytes(getEndpoint().getCamelContext(), EventTopic.maxMessageBytes(
                    component.getBootstrapServers(), DeadLetters.topic(endpoint.getIntegration())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maxRecordBytes = Math.max(MIN_RECORD_BYTES, now < used ? now : used / 2);
    }

    /** Reserves the next request's slot under the module's rateLimit (all lanes together); ms to wait for it. */
    synchronized long reserveRequest() {
        if (endpoint.getRateLimit() <= 0) {
            return 0;
        }
        long now = System.currentTimeMillis();
        long at = Math.max(now, nextRequestAt);
        nextRequestAt = at + (long) (1000 / endpoint.getRateLimit());
        return at - now;
    }

    /** What this integration holds now (events not yet due, and the oldest one's wait in seconds). */
    public HeldEvents held() {
        return holds == null ? HeldEvents.NONE : holds.now();
    }

    /** The module's delay in ms (0: none). */
    public long delayMillis() {
        return delayMillis;
    }

    /** Gives revoked partitions up (their queued records dropped, what is finished committed): their new owner reads on. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            lanes.forget(partitions);
            offsets.revoke(partitions, CONFIRM_TIMEOUT);
            holds.forget(partitions);
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
        return thread != null && thread.isAlive() && lanes.failure() == null;
    }

    /** Whether this consumer has had its partitions once (and so knows where it reads from). */
    public boolean isReading() {
        return reading;
    }
}
