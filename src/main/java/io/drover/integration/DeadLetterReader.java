package io.drover.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an integration's dead-letter topic with a short-lived consumer of its own (no group, nothing committed), for
 * the admin API's list, {@code drover dead-letters} and replay: the letters that match a {@link DeadLetterFilter}, up
 * to the end of the topic as it was when the reader was opened, request records left out (a page can have them
 * resolved by id). Only Kafka is needed.
 */
public final class DeadLetterReader implements AutoCloseable {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** A page holds at most about this much (letters, and the requests resolved): then it ends and says {@code next}. */
    static final long PAGE_BYTES = 8L << 20;
    /** How far back before a page a request record is looked for, per partition (it precedes its letters). */
    private static final int LOOK_BACK_RECORDS = 10_000;
    private static final int WINDOW = 500;
    /** Reading that makes no progress for this long fails rather than hangs (the broker is gone). */
    private static final Duration STALL = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The integration has no dead-letter topic (unknown name, or it never ran on this cluster). */
    public static final class NoDeadLetters extends IllegalArgumentException {
        public NoDeadLetters(String integration) {
            super("no dead-letter topic " + DeadLetters.topic(integration) + ": is '" + integration + "' an integration?");
        }
    }

    /** A dead letter as read: where it is in the topic, when it was written, its key and JSON. */
    public record Letter(int partition, long offset, long writtenAt, String key, ObjectNode value) {
        public String requestId() {
            JsonNode id = value.get("requestId");
            return id == null || id.isNull() ? null : id.asText();
        }

        /** As listed: {@code partition}, {@code offset}, {@code writtenAt}, then the letter's own fields. */
        public ObjectNode toJson() {
            ObjectNode out = MAPPER.createObjectNode();
            out.put("partition", partition);
            out.put("offset", offset);
            out.put("writtenAt", Instant.ofEpochMilli(writtenAt).toString());
            out.setAll(value);
            return out;
        }
    }

    /**
     * A page of letters; {@code requests}: the request records they name, by id, each once (when asked for and still
     * in the topic); {@code next}: the cursor of the next page, {@code null} when nothing more matches.
     */
    public record Page(List<Letter> letters, Map<String, JsonNode> requests, String next) {
    }

    private interface Visitor {
        /** False: stop before this record (it is not consumed). */
        boolean visit(ConsumerRecord<String, byte[]> r) throws IOException;
    }

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<TopicPartition, Long> beginning;
    private final Map<TopicPartition, Long> end;

    /**
     * @param timeout bound of each call to the cluster (finding the topic, offsets)
     * @throws NoDeadLetters when the integration has no dead-letter topic
     */
    public DeadLetterReader(String bootstrapServers, String integration, Duration timeout) {
        if (integration == null || !integration.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new NoDeadLetters(String.valueOf(integration));
        }
        this.topic = DeadLetters.topic(integration);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "drover-dead-letters-" + integration);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(WINDOW));
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout.toMillis(), 30_000)));
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new NoDeadLetters(integration);
            }
            infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).forEach(partitions::add);
            consumer.assign(partitions);
            // Up to the end as it is now: letters written while reading (replays failing again) wait for next time.
            beginning = consumer.beginningOffsets(partitions);
            end = consumer.endOffsets(partitions);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * The letters matching {@code filter} after the cursor {@code after} ({@code null}: from the start), at most
     * {@code limit} and about {@link #PAGE_BYTES}, read for at most {@code timeout}: a page cut short by time says
     * {@code next} too. With {@code withRequests}, the request records the letters name.
     */
    public Page page(DeadLetterFilter filter, String after, int limit, boolean withRequests, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Map<TopicPartition, Long> starts = starts(filter, parseCursor(after));
        Map<TopicPartition, Long> stops = stops(filter);
        List<Letter> letters = new ArrayList<>();
        Map<String, long[]> requestAt = new HashMap<>();   // id -> partition, offset, bytes (seen while reading)
        Set<String> counted = new HashSet<>();
        Map<TopicPartition, Long> positions = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        positions.putAll(starts);
        long[] bytes = {0};
        boolean[] more = {false};
        for (TopicPartition p : partitions) {
            long to = stops.get(p);
            long next = scan(p, starts.get(p), to, r -> {
                String requestId = requestId(r);
                if (requestId != null) {
                    requestAt.put(requestId, new long[] {r.partition(), r.offset(), r.value().length});
                    return true;
                }
                Letter l = letter(r);
                if (l == null || !filter.matches(l.writtenAt(), l.value())) {
                    return true;
                }
                long size = r.value().length;
                String named = l.requestId();
                if (withRequests && named != null && !counted.contains(named)) {
                    long[] at = requestAt.get(named);
                    size += at != null ? at[2] : DeadLetters.DEFAULT_MAX_RECORD_BYTES;   // unknown yet: at most
                }
                if (letters.size() >= limit || (!letters.isEmpty() && bytes[0] + size > PAGE_BYTES)) {
                    more[0] = true;
                    return false;
                }
                if (named != null) {
                    counted.add(named);
                }
                letters.add(l);
                bytes[0] += size;
                return true;
            }, deadline);
            positions.put(p, next);
            if (more[0] || next < to) {
                more[0] = true;
                break;
            }
        }
        Map<String, JsonNode> requests = withRequests ? resolve(letters, requestAt, starts, deadline) : Map.of();
        return new Page(letters, requests, more[0] ? formatCursor(positions) : null);
    }

    /** Every letter matching {@code filter}, in order, until {@code handler} returns false. */
    public void forEach(DeadLetterFilter filter, Predicate<Letter> handler) {
        Map<TopicPartition, Long> starts = starts(filter, Map.of());
        Map<TopicPartition, Long> stops = stops(filter);
        boolean[] stopped = {false};
        for (TopicPartition p : partitions) {
            scan(p, starts.get(p), stops.get(p), r -> {
                if (requestId(r) != null) {
                    return true;
                }
                Letter l = letter(r);
                if (l == null || !filter.matches(l.writtenAt(), l.value()) || handler.test(l)) {
                    return true;
                }
                stopped[0] = true;
                return false;
            }, Long.MAX_VALUE);
            if (stopped[0]) {
                return;
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /**
     * The request records the letters name: those met while reading are read again by offset (runs of nearby ones in
     * one pass); the others precede the page and are looked for backwards from where it started, up to
     * {@link #LOOK_BACK_RECORDS} records and the deadline. One no longer in the topic (retention) is left out.
     */
    private Map<String, JsonNode> resolve(List<Letter> letters, Map<String, long[]> requestAt,
                                          Map<TopicPartition, Long> starts, long deadline) {
        Set<String> missing = new HashSet<>();
        letters.forEach(l -> {
            if (l.requestId() != null) {
                missing.add(l.requestId());
            }
        });
        Map<String, JsonNode> found = new LinkedHashMap<>();
        Visitor collect = r -> {
            String id = requestId(r);
            if (id != null && missing.remove(id)) {
                found.put(id, MAPPER.readTree(r.value()));
            }
            return !missing.isEmpty();
        };
        for (TopicPartition p : partitions) {
            List<Long> offsets = new ArrayList<>();
            requestAt.forEach((id, at) -> {
                if (missing.contains(id) && at[0] == p.partition()) {
                    offsets.add(at[1]);
                }
            });
            offsets.sort(null);
            for (int i = 0; i < offsets.size() && !missing.isEmpty(); ) {
                int j = i;
                while (j + 1 < offsets.size() && offsets.get(j + 1) - offsets.get(j) <= WINDOW) {
                    j++;
                }
                scan(p, offsets.get(i), offsets.get(j) + 1, collect, deadline);
                i = j + 1;
            }
        }
        for (TopicPartition p : partitions) {
            long floor = Math.max(beginning.get(p), starts.get(p) - LOOK_BACK_RECORDS);
            long hi = starts.get(p);
            while (!missing.isEmpty() && hi > floor && System.currentTimeMillis() < deadline) {
                long lo = Math.max(floor, hi - WINDOW);
                scan(p, lo, hi, collect, deadline);
                hi = lo;
            }
        }
        return found;
    }

    /** The first offset to read per partition: the beginning, or later for {@code since} or the cursor. */
    private Map<TopicPartition, Long> starts(DeadLetterFilter filter, Map<TopicPartition, Long> cursor) {
        Map<TopicPartition, Long> starts = new HashMap<>(beginning);
        if (filter.since() != null) {
            Map<TopicPartition, Long> since = offsetsFor(filter.since());
            since.forEach((p, o) -> starts.merge(p, o, Math::max));
        }
        cursor.forEach((p, o) -> starts.merge(p, o, Math::max));
        return starts;
    }

    /** The offset to stop before per partition: the end when opened, or earlier for {@code until}. */
    private Map<TopicPartition, Long> stops(DeadLetterFilter filter) {
        Map<TopicPartition, Long> stops = new HashMap<>(end);
        if (filter.until() != null) {
            offsetsFor(filter.until()).forEach((p, o) -> stops.merge(p, o, Math::min));
        }
        return stops;
    }

    /** Per partition, the first offset written at or after {@code at} (the end when none). */
    private Map<TopicPartition, Long> offsetsFor(Instant at) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, at.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp o = found.get(p);
            offsets.put(p, o != null ? o.offset() : end.get(p));
        }
        return offsets;
    }

    /**
     * Visits the records of one partition in {@code [from, to)}; returns the offset to read next (where the visitor
     * stopped, {@code to} when done, or where it got to by the deadline).
     */
    private long scan(TopicPartition p, long from, long to, Visitor visitor, long deadline) {
        if (from >= to) {
            return Math.max(from, to);
        }
        List<TopicPartition> others = new ArrayList<>(partitions);
        others.remove(p);
        consumer.pause(others);
        consumer.resume(List.of(p));
        consumer.seek(p, from);
        long next = from;
        long progressAt = System.currentTimeMillis();
        while (next < to) {
            long now = System.currentTimeMillis();
            if (now >= deadline) {
                return next;
            }
            if (now - progressAt > STALL.toMillis()) {
                throw new org.apache.kafka.common.errors.TimeoutException("no progress reading " + topic + " for "
                        + STALL.toSeconds() + " s (at offset " + next + " of partition " + p.partition() + ")");
            }
            long before = next;
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(Math.max(1, Math.min(200, deadline - now))))
                    .records(p)) {
                if (r.offset() < next) {
                    continue;
                }
                if (r.offset() >= to) {
                    return to;
                }
                try {
                    if (!visitor.visit(r)) {
                        return r.offset();
                    }
                } catch (IOException e) {
                    // not JSON: not a record Drover wrote; passed over
                }
                next = r.offset() + 1;
            }
            // Past gaps (a compacted or transactional topic's offsets without a record).
            next = Math.max(next, Math.min(consumer.position(p), to));
            if (next > before) {
                progressAt = System.currentTimeMillis();
            }
        }
        return to;
    }

    /** The id of a request record, {@code null} for a letter. */
    private static String requestId(ConsumerRecord<String, byte[]> r) throws IOException {
        Header kind = r.headers().lastHeader(DeadLetters.KIND_HEADER);
        String key = r.key();
        if (kind != null) {
            if (!DeadLetters.KIND_REQUEST.equals(new String(kind.value(), StandardCharsets.UTF_8))) {
                return null;
            }
            if (key != null && key.startsWith(DeadLetters.REQUEST_KEY_PREFIX)) {
                return key.substring(DeadLetters.REQUEST_KEY_PREFIX.length());
            }
        } else if (key == null || !key.startsWith(DeadLetters.REQUEST_KEY_PREFIX)) {
            return null;   // a letter (older letters have no header)
        }
        // Written without headers (a tuned copy of the route): the record itself says.
        JsonNode value = MAPPER.readTree(r.value());
        return value != null && DeadLetters.KIND_REQUEST.equals(value.path("kind").asText()) && value.has("id")
                ? value.get("id").asText() : null;
    }

    private static Letter letter(ConsumerRecord<String, byte[]> r) throws IOException {
        JsonNode value = MAPPER.readTree(r.value());
        if (!(value instanceof ObjectNode o) || !o.has("event")) {
            return null;
        }
        return new Letter(r.partition(), r.offset(), r.timestamp(), r.key(), o);
    }

    /** The cursor: {@code <partition>:<offset>} of every partition read, comma-separated (opaque to clients). */
    private static String formatCursor(Map<TopicPartition, Long> positions) {
        StringBuilder b = new StringBuilder();
        positions.forEach((p, o) -> b.append(b.length() == 0 ? "" : ",").append(p.partition()).append(':').append(o));
        return b.toString();
    }

    private Map<TopicPartition, Long> parseCursor(String after) {
        if (after == null || after.isBlank()) {
            return Map.of();
        }
        Map<TopicPartition, Long> cursor = new HashMap<>();
        for (String part : after.trim().split(",")) {
            String[] po = part.split(":");
            TopicPartition p;
            try {
                p = new TopicPartition(topic, Integer.parseInt(po[0]));
                if (po.length != 2 || !partitions.contains(p)) {
                    throw new NumberFormatException();
                }
                cursor.put(p, Long.parseLong(po[1]));
            } catch (NumberFormatException e) {
                throw new DeadLetterFilter.BadParameter("after", "'" + after + "' is not a cursor this list gave");
            }
        }
        return cursor;
    }
}
