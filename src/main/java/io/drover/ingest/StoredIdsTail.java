package io.drover.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drover.buffer.EventBuffer;
import io.drover.buffer.StoredIds;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message ids drover.events holds, read from the topic itself, so that dedupe holds across instances and
 * restarts. The window lives in memory, and the topic is its durable and shared copy:
 * <ol>
 * <li>at start, before ingestion takes its first request, the last {@code maxEntries} records within the window,
 * spread over the partitions, are read back: a client whose request was stored but never answered (Drover was
 * killed meanwhile) re-sends it after the restart, and its events are not stored twice;</li>
 * <li>then the tail is followed: ids stored by other instances are remembered too, so ingestion refuses a client's
 * retry through another instance once its first copy is on the topic, and each id's first position (partition and
 * offset) is known.</li>
 * </ol>
 * What ingestion cannot refuse (the retry reached another instance before the first copy was read here) is left
 * out at consumption ({@link StoredIds}): one user's copies share a partition, every instance reads the partition in
 * the same order, so every integration on every instance delivers the first copy and leaves out the later ones.
 * Each record's key is read from its {@code drover.dedupe} header ({@link EventBuffer#DEDUPE_HEADER}): the tail
 * reads every record any instance stores, and parsing each one's JSON for its id took a third of a core under
 * batches of 100. Ids Drover generated are marked as such and not remembered: no client can send them again.
 */
final class StoredIdsTail implements StoredIds {

    private static final Logger LOG = LoggerFactory.getLogger(StoredIdsTail.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** How long a consumer waits for the tail to read up to its record once it follows; then it delivers unchecked. */
    private static final long FOLLOW_WAIT_MS = 2_000;
    /** The same while the tail restores the window at start (it reads up to a million records). */
    private static final long RESTORE_WAIT_MS = 60_000;

    private final String bootstrapServers;
    private final String topic;
    private final DedupeWindow window;
    private final Duration windowLength;
    private final int maxEntries;
    private final Object progress = new Object();
    /** Per partition: the first offset read (records before it are not known), and the next offset to read. */
    private volatile long[] from;
    private volatile AtomicLongArray readTo;
    private volatile boolean following;
    private volatile boolean failed;
    private volatile boolean running = true;
    private final AtomicLong unchecked = new AtomicLong();
    /** Per partition: offsets of records that repeat an earlier record's id (left out by every integration). */
    private final java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.ConcurrentSkipListSet<Long>>
            repeats = new java.util.concurrent.ConcurrentHashMap<>();
    /** Repeats are rare (a client's retry raced another instance): this many per partition is hours of them. */
    private static final int MAX_REPEATS_PER_PARTITION = 100_000;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** False: the only writer (the embedded broker's instance); the tail stops once the window is restored. */
    private final boolean follow;
    /** Restored, and not following: a record past what was restored cannot repeat another instance's copy. */
    private volatile boolean alone;

    StoredIdsTail(String bootstrapServers, String topic, DedupeWindow window, Duration windowLength, int maxEntries,
                  boolean follow) {
        this.follow = follow;
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.window = window;
        this.windowLength = windowLength;
        this.maxEntries = maxEntries;
    }

    /**
     * Restores the window (returns how many ids), calls {@code restored}, then follows the topic until {@link #stop}.
     * If Kafka cannot be read at start, ingestion opens anyway ({@code restored} is called) and dedupe across
     * instances is off: the log says so.
     */
    void run(java.util.function.LongConsumer restored) {
        long start = System.nanoTime();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "drover-stored-ids");
        // Following a busy topic, a fetch per few records cost more than the records (consumer and broker); a fetch
        // now waits up to 20 ms for 64 KB, which an integration waiting on the tail (nearly never) can afford.
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(64 << 10));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        boolean announced = false;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            long ids = restore(c);
            LOG.info("Dedupe window restored from {}: {} message ids in {} ms", topic, ids,
                    (System.nanoTime() - start) / 1_000_000);
            // Not following: this instance writes every record from now on, and ingestion's window knows each.
            alone = !follow;
            following = follow;
            announced = true;
            restored.accept(ids);
            while (running && follow) {
                read(c, c.poll(Duration.ofMillis(500)));
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the message ids of {} ({}): re-sent events may be delivered twice until a restart",
                    topic, e.toString());
        } finally {
            failed = running && !alone;   // stopping on purpose (or alone after the restore) is not failing
            synchronized (progress) {
                progress.notifyAll();
            }
            if (!announced) {
                restored.accept(0);
            }
        }
    }

    void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Records delivered without a check because the tail had not read so far in time (or could not read). */
    long unchecked() {
        return unchecked.get();
    }

    private long restore(KafkaConsumer<byte[], byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        int count = infos.stream().mapToInt(PartitionInfo::partition).max().orElse(0) + 1;
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        c.assign(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        Map<TopicPartition, Long> beginning = c.beginningOffsets(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        long fromTime = System.currentTimeMillis() - windowLength.toMillis();
        partitions.forEach(tp -> since.put(tp, fromTime));
        Map<TopicPartition, OffsetAndTimestamp> inWindow = c.offsetsForTimes(since);
        long perPartition = (maxEntries + partitions.size() - 1) / partitions.size();
        long[] starts = new long[count];
        AtomicLongArray next = new AtomicLongArray(count);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = inWindow.get(tp);
            long s = Math.max(Math.max(at != null ? at.offset() : end.get(tp), end.get(tp) - perPartition),
                    beginning.get(tp));
            c.seek(tp, s);
            starts[tp.partition()] = s;
            next.set(tp.partition(), s);
        }
        readTo = next;
        from = starts;
        long remembered = 0;
        List<TopicPartition> toRead = new ArrayList<>(partitions);
        while (running && someLeft(c, toRead, end)) {
            remembered += read(c, c.poll(Duration.ofMillis(500)));
        }
        c.resume(partitions);
        return remembered;
    }

    /** Remembers each record's id at its position, and moves the partitions' read marks on. */
    private long read(KafkaConsumer<byte[], byte[]> c, Iterable<ConsumerRecord<byte[], byte[]>> records) {
        long remembered = 0;
        AtomicLongArray next = readTo;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            long key = key(r);
            if (key != 0) {
                long first = window.stored(key, r.partition(), r.offset());
                if (DedupeWindow.partition(first) == r.partition() && DedupeWindow.offset(first) < r.offset()) {
                    repeat(r.partition(), r.offset());
                }
                remembered++;
            }
            if (r.partition() < next.length()) {
                next.set(r.partition(), r.offset() + 1);
            }
        }
        for (TopicPartition tp : c.assignment()) {
            if (tp.partition() < next.length()) {
                // what lies between records (aborted writes, compacted gaps) is read past too
                next.accumulateAndGet(tp.partition(), c.position(tp, Duration.ofSeconds(5)), Math::max);
            }
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        return remembered;
    }

    /**
     * Decided once per instance as the tail reads the record, for all integrations: a later copy's offset is kept
     * (they are rare), so an integration's check is a lookup, with no hash of the id and no lock of the window.
     */
    private void repeat(int partition, long offset) {
        java.util.concurrent.ConcurrentSkipListSet<Long> set = repeats.computeIfAbsent(partition,
                p -> new java.util.concurrent.ConcurrentSkipListSet<>());
        set.add(offset);
        while (set.size() > MAX_REPEATS_PER_PARTITION) {
            set.pollFirst();   // the oldest: their integrations have long read past them
        }
    }

    @Override
    public boolean isRepeat(ConsumerRecord<String, byte[]> record) {
        if (!readUpTo(record.partition(), record.offset())) {
            if (!alone) {
                unchecked.incrementAndGet();
            }
            return false;
        }
        java.util.Set<Long> set = repeats.get(record.partition());
        return set != null && set.contains(record.offset());
    }

    /**
     * Waits until the tail has read past this record (it usually has: it does nothing else); false when it cannot
     * tell (the record is older than what was restored, or the tail is behind for too long, or stopped).
     */
    private boolean readUpTo(int partition, long offset) {
        long[] known = from;
        AtomicLongArray read = readTo;
        if (known != null && !failed && partition < known.length && offset >= known[partition]
                && read.get(partition) > offset) {
            return true;   // the usual case, without the lock
        }
        if (alone) {
            return false;  // past what was restored: this instance's own write, checked at ingestion
        }
        long deadline = System.currentTimeMillis() + (following ? FOLLOW_WAIT_MS : RESTORE_WAIT_MS);
        synchronized (progress) {
            while (true) {
                long[] starts = from;
                AtomicLongArray next = readTo;
                if (failed || !running) {
                    return false;
                }
                if (starts != null) {
                    if (partition >= starts.length || offset < starts[partition]) {
                        return false;
                    }
                    if (next.get(partition) > offset) {
                        return true;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Pauses the partitions read up to their end; true while some are left. */
    private static boolean someLeft(KafkaConsumer<?, ?> consumer, List<TopicPartition> toRead, Map<TopicPartition, Long> end) {
        List<TopicPartition> finished = toRead.stream().filter(tp -> consumer.position(tp) >= end.get(tp)).toList();
        consumer.pause(finished);
        toRead.removeAll(finished);
        return !toRead.isEmpty();
    }

    /**
     * The record's dedupe key: from its header (written by ingestion, which has the key at hand), else from its
     * source header and the messageId in its JSON (records written before the header existed); 0 for none (an id
     * Drover generated, which no client can send again, or a record that names no source or id).
     */
    long key(ConsumerRecord<byte[], byte[]> r) {
        Header dedupe = r.headers().lastHeader(EventBuffer.DEDUPE_HEADER);
        if (dedupe != null) {
            return DedupeWindow.fromBytes(dedupe.value());
        }
        String source = header(r, EventBuffer.SOURCE_HEADER);
        String messageId = source == null ? null : messageId(r.value());
        return messageId == null ? 0 : window.key(source, messageId);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The record's top-level messageId; nested objects are skipped unread. */
    static String messageId(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("messageId")) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
