package io.drover.integration;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Events of drover.events parsed once per Drover instance for all its integrations. Every integration reads the same
 * records with its own consumer; parsing each record's JSON again in each of them was a fifth of the CPU with five
 * integrations. Integrations that read close together (the usual case) share one parsed tree; one that lags behind
 * (retrying, or just switched on) finds its records overwritten and parses them itself.
 * <p>
 * Per partition, a ring of the latest parsed records indexed by offset: no eviction policy to tune, nothing to clean
 * up, and a record at an offset never changes. The ring is small (drover.integrations.shared-parse-slots, 256): a
 * tree kept longer than a young collection is promoted to the old generation, and with 4,096 slots the GC pauses of
 * a benchmark run tripled (docs/benchmarks.md). The shared trees are read by several threads at once, so nothing on
 * the delivery path may change an event (request beans build their own output; docs/integrations.md says so, and
 * the golden tests check it for every shipped vendor).
 */
final class ParsedEvents {

    /** A reader resolves its deserializer once; ObjectMapper.readTree looked the tree type up for every record. */
    private static final ObjectReader READER = new ObjectMapper().readerFor(JsonNode.class);

    private record Parsed(long offset, ObjectNode event) {
    }

    private final int slots;
    private final ConcurrentHashMap<TopicPartition, Ring> rings = new ConcurrentHashMap<>();

    /** @param slots records kept per partition; 0 keeps none (each integration parses for itself) */
    ParsedEvents(int slots) {
        this.slots = slots;
    }

    /** Parses every record itself: for topics only one integration reads (its replay topic). */
    static final Ring UNSHARED = new Ring(null);

    /** Where the events of one partition are found (look it up once per partition of a batch). */
    Ring ring(TopicPartition partition) {
        return slots <= 0 ? UNSHARED : rings.computeIfAbsent(partition, p -> new Ring(new AtomicReferenceArray<>(slots)));
    }

    /** The latest parsed records of one partition, or none. */
    static final class Ring {
        private final AtomicReferenceArray<Parsed> parsed;

        private Ring(AtomicReferenceArray<Parsed> parsed) {
            this.parsed = parsed;
        }

        /** The record's event, parsed by another integration or now; null when the record is not a JSON object. */
        ObjectNode event(ConsumerRecord<String, byte[]> record) throws IOException {
            int slot = parsed == null ? -1 : (int) (record.offset() % parsed.length());
            if (slot >= 0) {
                Parsed p = parsed.get(slot);
                if (p != null && p.offset() == record.offset()) {
                    return p.event();
                }
            }
            JsonNode node = READER.readValue(record.value());
            if (!(node instanceof ObjectNode event)) {
                return null;
            }
            if (slot >= 0) {
                parsed.set(slot, new Parsed(record.offset(), event));
            }
            return event;
        }
    }
}
