package io.drover.buffer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The message ids drover.events holds, as the integrations see them: whether a record repeats an id that an earlier
 * record of its partition carries. One user's events share a key and so a partition; a client that re-sends an event
 * (through another instance, or after a restart, before that instance knew the first copy) stores it twice in the
 * same partition, and every integration on every instance then leaves out the same copy: the later one.
 */
public interface StoredIds {

    /** Nothing is known: every record is delivered (Drover's consumer run outside DroverServer). */
    StoredIds NONE = record -> false;

    /** Whether an earlier record of the record's partition carries the same source and messageId. */
    boolean isRepeat(ConsumerRecord<String, byte[]> record);
}
