package io.drover.integration;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which records of each partition are finished (delivered, dead-lettered or left out) while several batches are in
 * flight, and the commits that follow: a partition is committed only up to its lowest unfinished record, so a crash
 * never skips one still being delivered (at least once), however the lanes' batches end. Lanes finish records from
 * their threads; only the poll thread commits (a Kafka consumer is used by one thread).
 * <p>
 * Commits are sent without waiting for the broker: a wait per batch held the thread for a round trip 40 times a
 * second at 20,000 events/s. Kafka sends commits in order, so a failed one is covered by the next; what is not yet
 * confirmed is committed synchronously before partitions go to another member and when the consumer closes. A crash
 * before the confirmation means those events are delivered again.
 */
final class OffsetTracker {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetTracker.class);

    /**
     * One assignment of one partition. A revoked one is never committed again, and what its lanes finish late is
     * dropped: the partition's new owner (maybe this consumer again, after an eager rebalance) reads from the commit.
     */
    static final class Partition {
        final TopicPartition tp;
        /** Handed to a lane and not finished yet. */
        private final TreeSet<Long> open = new TreeSet<>();
        private long nextDispatched = -1;
        private long committed = -1;
        private int active;
        private volatile boolean revoked;

        Partition(TopicPartition tp) {
            this.tp = tp;
        }

        boolean revoked() {
            return revoked;
        }

        synchronized void dispatched(long offset) {
            open.add(offset);
            nextDispatched = offset + 1;
        }

        synchronized void finished(long offset) {
            open.remove(offset);
        }

        /** A lane starts (+1) or ends (-1) an attempt on records of this partition. */
        synchronized void active(int delta) {
            active += delta;
            if (active == 0) {
                notifyAll();
            }
        }

        /** The offset to commit now, or -1 when nothing new is finished. */
        synchronized long committable() {
            long upTo = open.isEmpty() ? nextDispatched : open.first();
            return upTo > committed ? upTo : -1;
        }

        synchronized void committedUpTo(long offset) {
            committed = Math.max(committed, offset);
        }

        /** Waits until no lane delivers records of this partition, at most until {@code deadline} (nanoTime). */
        synchronized void awaitIdle(long deadline) throws InterruptedException {
            long left;
            while (active > 0 && (left = deadline - System.nanoTime()) > 0) {
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private final String integration;
    private final Consumer<?, ?> kafka;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** Commits sent and not yet confirmed by the broker (touched by the poll thread only). */
    private final Map<TopicPartition, OffsetAndMetadata> unconfirmed = new HashMap<>();

    OffsetTracker(String integration, Consumer<?, ?> kafka) {
        this.integration = integration;
        this.kafka = kafka;
    }

    /** The partition's current assignment (created at its first record). */
    Partition of(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, Partition::new);
    }

    /** Sends, without waiting, the commits of what was finished since the last call. */
    void commitFinished() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Partition p : partitions.values()) {
            long upTo = p.committable();
            if (upTo >= 0) {
                offsets.put(p.tp, new OffsetAndMetadata(upTo));
                p.committedUpTo(upTo);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        unconfirmed.putAll(offsets);
        kafka.commitAsync(offsets, (done, failure) -> {
            if (failure == null) {
                done.forEach(unconfirmed::remove);   // only if no later commit replaced it meanwhile
            } else {
                LOG.warn("Integration {}: commit failed ({}); retried with the next one or before a rebalance",
                        integration, failure.toString());
            }
        });
    }

    /**
     * The partitions go to another member: no lane takes their records any more, the attempts running on them may end
     * (at most {@code wait}), then what is finished is committed and waited for. What ends later is delivered again by
     * the new owner: duplicates, never a loss.
     */
    void revoke(Collection<TopicPartition> revoked, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (TopicPartition tp : revoked) {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.revoked = true;
            }
        }
        try {
            for (TopicPartition tp : revoked) {
                Partition p = partitions.get(tp);
                if (p != null) {
                    p.awaitIdle(deadline);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitSync(revoked, wait);
        revoked.forEach(partitions::remove);
    }

    /** Commits, and waits for, what is finished and not yet confirmed on these partitions (all: null). */
    void commitSync(Collection<TopicPartition> which, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(unconfirmed);
        for (Partition p : partitions.values()) {
            long upTo = p.committable();
            if (upTo >= 0) {
                offsets.put(p.tp, new OffsetAndMetadata(upTo));
            }
        }
        if (which != null) {
            offsets.keySet().retainAll(which);
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            // Bounded: with the cluster (or the embedded broker) gone, an unbounded commit held Drover's stop for
            // minutes (default.api.timeout.ms, twice); what is not confirmed is delivered again, never lost.
            try {
                kafka.commitSync(offsets, timeout);
            } catch (WakeupException e) {
                kafka.commitSync(offsets, timeout);   // a stop's wake-up call was still pending: used up now
            }
            offsets.forEach((tp, o) -> {
                unconfirmed.remove(tp);
                Partition p = partitions.get(tp);
                if (p != null) {
                    p.committedUpTo(o.offset());
                }
            });
        } catch (RuntimeException e) {
            // The group moved on: the new owner reads from the last commit; duplicates, never a loss.
            LOG.warn("Integration {}: commit failed ({}); these events may be delivered again", integration, e.toString());
        }
    }
}
