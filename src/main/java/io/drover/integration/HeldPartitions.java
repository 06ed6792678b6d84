package io.drover.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled delivery for one integration's consumer: which partitions wait, and until when. A record is due
 * {@code delay} after Drover received it (its Kafka timestamp), or, for a record of the retry topic
 * ({@link RetryLater}), at the time it carries. Records of a partition are in arrival order, so a partition whose first
 * record is not due is held as a whole: paused, its position set back to that record (so nothing past it is committed,
 * and a restart reads it again), and resumed once it is due. Used by the consumer's thread only, except
 * {@link #now()}, which the metrics and the admin API read.
 */
final class HeldPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(HeldPartitions.class);
    /**
     * A partition is held at least this long: under a steady stream every record falls due a moment after the one
     * before, and releasing at each would fetch the partition's tail again and again; so a record is sent when it is
     * due, at most this much later.
     */
    static final long MIN_HOLD_MS = 1_000;
    /** How often the count of held events (a request to the broker) is brought up to date while some are held. */
    private static final long COUNT_EVERY_MS = 5_000;

    /** A held partition: the offset of its first record not yet due, when it is released, when it was received. */
    private record Head(long offset, long releaseAt, long receivedAt) {
    }

    private final String integration;
    private final long delayMillis;
    private final Consumer<?, ?> kafka;
    private final Map<TopicPartition, Head> held = new HashMap<>();
    private volatile HeldEvents now = HeldEvents.NONE;
    private long countedAt;

    HeldPartitions(String integration, long delayMillis, Consumer<?, ?> kafka) {
        this.integration = integration;
        this.delayMillis = delayMillis;
        this.kafka = kafka;
    }

    long delayMillis() {
        return delayMillis;
    }

    /** When a record is due: at the time a retry record carries, else {@code delay} after Drover received it. */
    long dueAt(ConsumerRecord<?, ?> r) {
        long retryAt = RetryLater.dueAt(r);
        if (retryAt >= 0) {
            return retryAt;
        }
        return delayMillis > 0 ? r.timestamp() + delayMillis : 0;
    }

    /**
     * Whether a record must wait: its partition is held already (the record is read again when it is resumed), or the
     * record is not due yet, and then its partition is held from it. The caller drops the partition's other records it
     * has read ahead ({@link #isHeld}).
     */
    boolean hold(ConsumerRecord<?, ?> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (held.containsKey(tp)) {
            return true;
        }
        long due = dueAt(r);
        long at = System.currentTimeMillis();
        if (due <= at) {
            return false;
        }
        held.put(tp, new Head(r.offset(), Math.max(due, at + MIN_HOLD_MS), r.timestamp()));
        kafka.pause(List.of(tp));
        kafka.seek(tp, r.offset());
        LOG.debug("Integration {}: holds {} from offset {} until {}", integration, tp, r.offset(), Instant.ofEpochMilli(due));
        count(held.size() == 1);
        return true;
    }

    boolean isHeld(TopicPartition tp) {
        return held.containsKey(tp);
    }

    /** Resumes the held partitions that are due now. */
    void release() {
        if (held.isEmpty()) {
            return;
        }
        long at = System.currentTimeMillis();
        List<TopicPartition> due = new ArrayList<>();
        held.forEach((tp, h) -> {
            if (h.releaseAt() <= at) {
                due.add(tp);
            }
        });
        if (!due.isEmpty()) {
            due.forEach(held::remove);
            Set<TopicPartition> assigned = kafka.assignment();
            List<TopicPartition> resumed = due.stream().filter(assigned::contains).toList();
            kafka.resume(resumed);
            LOG.debug("Integration {}: {} due, resumed", integration, resumed);
        }
        count(false);
    }

    /** Resumes every partition of the consumer but the held ones (after a wait that paused them all). */
    void resumeOthers() {
        kafka.resume(kafka.assignment().stream().filter(tp -> !held.containsKey(tp)).toList());
    }

    /** Milliseconds until the next held partition is released (Long.MAX_VALUE: none is held). */
    long untilNext() {
        long next = Long.MAX_VALUE;
        for (Head h : held.values()) {
            next = Math.min(next, h.releaseAt());
        }
        return next == Long.MAX_VALUE ? next : Math.max(1, next - System.currentTimeMillis());
    }

    /** Partitions that went to another member: their new owner holds them itself. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(held::remove);
        count(false);
    }

    /** What is held now: events, and how long the oldest has waited (read from any thread). */
    HeldEvents now() {
        return now;
    }

    /**
     * Brings {@link #now()} up to date: at once when nothing is held any more or when {@code force}, else every few
     * seconds (the number of held events is the held partitions' end offsets less the held offsets).
     */
    private void count(boolean force) {
        if (held.isEmpty()) {
            now = HeldEvents.NONE;
            return;
        }
        long at = System.currentTimeMillis();
        if (!force && at - countedAt < COUNT_EVERY_MS) {
            return;
        }
        countedAt = at;
        long events = 0;
        long oldest = Long.MAX_VALUE;
        Map<TopicPartition, Long> ends = Map.of();
        try {
            ends = kafka.endOffsets(held.keySet(), Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            // counted as one event a partition until the broker answers
        }
        for (Map.Entry<TopicPartition, Head> e : held.entrySet()) {
            events += Math.max(1, ends.getOrDefault(e.getKey(), e.getValue().offset() + 1) - e.getValue().offset());
            oldest = Math.min(oldest, e.getValue().receivedAt());
        }
        now = new HeldEvents(events, Math.max(0, at - oldest) / 1000.0);
    }
}
