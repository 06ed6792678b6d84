package io.drover.integration;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/** Where a partition an integration has never read starts. */
final class StartOffsets {

    private StartOffsets() {
    }

    /**
     * Per partition: the first record written at or after {@code since} (its beginning for the replay topic, or with
     * {@code earliest}). The end offsets are read before the search by time: when no record is that recent yet, the
     * start is the end as it was before the search, so a record appended meanwhile is read rather than skipped.
     */
    static Map<TopicPartition, Long> of(Consumer<?, ?> kafka, Collection<TopicPartition> partitions, long since,
                                        boolean earliest, String replayTopic) {
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, Long> beginnings = kafka.beginningOffsets(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (earliest || tp.topic().equals(replayTopic)) {
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
