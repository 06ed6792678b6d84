package io.drover.integration;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an integration starts on a partition it has never read: at the first record written at or after a moment
 * (its load, or Drover's start for a module present at start), or at the beginning ({@code earliest}, and always for
 * its replay topic).
 *
 * <p>In both searches the end offsets are read before the search by time: when no record is that recent yet, the
 * start is the end as it was before the search, so a record appended meanwhile is read rather than skipped.
 */
final class StartOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(StartOffsets.class);

    private StartOffsets() {
    }

    /**
     * Commits the start of every partition of {@code topic} the group has no offset for, before its consumer joins:
     * the start is then kept by Kafka, so a crash before the consumer's first assignment does not move it (with only
     * the consumer to commit it, a kill in the first second lost what ingestion had acknowledged by then). False when
     * it could not (the group has active members elsewhere, Kafka is slow): the consumer then commits it itself at its
     * first assignment.
     */
    static boolean commitBeforeJoining(Admin admin, String group, String topic, long since, boolean earliest) {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            List<TopicPartition> fresh = partitions.stream().filter(tp -> committed.get(tp) == null).toList();
            if (fresh.isEmpty()) {
                return true;
            }
            Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
            if (earliest) {
                offsets(admin, fresh, OffsetSpec.earliest()).forEach((tp, o) -> starts.put(tp, new OffsetAndMetadata(o)));
            } else {
                Map<TopicPartition, Long> ends = offsets(admin, fresh, OffsetSpec.latest());
                Map<TopicPartition, Long> found = offsets(admin, fresh, OffsetSpec.forTimestamp(since));
                fresh.forEach(tp -> {
                    long at = found.getOrDefault(tp, -1L);
                    starts.put(tp, new OffsetAndMetadata(at >= 0 ? at : ends.get(tp)));
                });
            }
            admin.alterConsumerGroupOffsets(group, starts).all().get(30, TimeUnit.SECONDS);
            LOG.info("Integration group {}: starts at {}", group, starts.entrySet().stream()
                    .map(e -> e.getKey().partition() + "=" + e.getValue().offset()).sorted().toList());
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("Integration group {}: start offsets left to its first assignment ({})", group,
                    e.getCause() != null ? e.getCause().toString() : e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                : admin.listOffsets(query).all().get(30, TimeUnit.SECONDS).entrySet()) {
            offsets.put(e.getKey(), e.getValue().offset());
        }
        return offsets;
    }

    /** The same, from the consumer at its first assignment, for partitions that still have no committed offset. */
    static Map<TopicPartition, Long> of(Consumer<?, ?> kafka, Collection<TopicPartition> partitions, long since,
                                        boolean earliest, String... ownTopics) {
        java.util.Set<String> own = java.util.Set.of(ownTopics);
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, Long> beginnings = kafka.beginningOffsets(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (earliest || own.contains(tp.topic())) {
                starts.put(tp, beginnings.get(tp));
            } else {
                query.put(tp, since);
            }
        }
        if (!query.isEmpty()) {
            Map<TopicPartition, Long> ends = kafka.endOffsets(query.keySet());
            Map<TopicPartition, OffsetAndTimestamp> found = kafka.offsetsForTimes(query);
            query.keySet().forEach(tp -> {
                OffsetAndTimestamp at = found.get(tp);
                starts.put(tp, at != null ? at.offset() : ends.get(tp));
            });
        }
        return starts;
    }
}
