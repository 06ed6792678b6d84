package io.drover.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.TtlDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity store's entries on local disk: RocksDB (as Kafka Streams keeps its state stores) under
 * {@code <data-dir>/identity}, with a bounded LRU block cache off the heap ({@code drover.identity.cache}); its index
 * and bloom filter blocks are charged to that cache too, so RocksDB's memory is the cache plus two 16 MB memtables,
 * whatever the number of users. The heap holds no entry.
 * <p>
 * <b>Values</b>: a compact binary form of {@link Identity} (version byte, updatedAt, userId and anonymousId as
 * length-prefixed UTF-8, then the providers object as JSON bytes, empty for none), ~60-150 bytes before RocksDB's
 * LZ4 block compression. The topic keeps its JSON strings ({@link IdentityTopic}); only the local copy is binary.
 * <p>
 * <b>Expiry, by age</b>: an entry whose {@code updatedAt} is older than the expiry time reads as absent (exact, at
 * the millisecond), and RocksDB's TTL mode ({@link TtlDB}: every value carries its write time, and compaction drops
 * the values written longer than the expiry time ago) takes it off the disk; periodic compaction (at most a day, or
 * the expiry time if shorter) makes sure that every file is compacted, and so cleaned, even on a quiet store. A value
 * written at time w for an entry last updated at u ≤ w is dropped from the disk after w + ttl, so an old record
 * applied from the topic may take disk space up to one expiry time longer than it reads as present.
 * <p>
 * <b>Offsets</b>: the positions of the topic reader are stored in the same column family (keys starting with a NUL
 * byte, which no {@code a:}/{@code u:} key does), in the same {@link WriteBatch} as the records they follow: one
 * atomic write, in the write-ahead log (not synced: a crash of the process loses nothing, a crash of the machine
 * loses the last writes but RocksDB recovers a consistent prefix, so stored offsets never pass the records applied).
 * Re-applying a record is harmless in any case: the newer {@code updatedAt} wins.
 * <p>
 * <b>Hot entries</b>: the most used entries are also kept decoded in the heap ({@code drover.identity.heap-entries},
 * a count, so a fixed few megabytes whatever the number of users): events come from users as a Zipf law does (a few
 * make most of them), and a read of RocksDB, even from its block cache, costs several microseconds (JNI, a block
 * search, the decoding) where the heap costs a fraction of one. It is filled and changed only under the key's stripe
 * lock, as RocksDB is written, so it never holds a value RocksDB has replaced; an entry read from it expires exactly
 * as one read from RocksDB.
 * <p>
 * <b>Concurrency</b>: reads take no lock but a shared one that keeps the database open under them (a closed RocksDB
 * must never be called: that crashes the JVM). A read-modify-write ({@link #compute}, {@link #applyAll}) holds the
 * stripe lock(s) of its key(s), so an event loop's update and a record from the topic cannot overwrite each other.
 * An event loop's write is made with {@code no_slowdown}: when RocksDB would stall writes (compaction behind), it is
 * refused at once instead, counted ({@code drover_identity_writes_deferred_total}), and still published: the topic
 * reader applies it when it comes back. An event loop thus never waits on the disk for a write.
 */
final class IdentityDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityDb.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte VERSION = 1;
    private static final int STRIPES = 1024;
    /** Histogram buckets of a lookup (the goal: p99 under 50 µs). */
    private static final Duration[] LOOKUP_BUCKETS = {Duration.ofNanos(5_000), Duration.ofNanos(10_000),
            Duration.ofNanos(20_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25)};
    /** A key deleted earlier in the same batch. */
    private static final byte[] DELETED = new byte[0];

    static {
        RocksDB.loadLibrary();
    }

    /** A record of the topic: a key and its value (null: deleted, a tombstone). */
    record Record(String key, Identity value) {
    }

    private final Path dir;
    private final long ttlMillis;
    private final TtlDB db;
    private final Options options;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final WriteOptions eventLoopWrites = new WriteOptions().setNoSlowdown(true);
    /** A read that must not wait for the disk: memtables and the block cache only (RocksDB answers Incomplete). */
    private final ReadOptions memoryOnly = new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER);
    private final WriteOptions readerWrites = new WriteOptions();
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Timer lookups;
    /** Decoded hot entries (see the class comment); null when {@code heapEntries} is 0. */
    private final Cache<String, Identity> hot;
    private final Counter deferred;
    private final MeterRegistry registry;
    private volatile boolean closed;

    private IdentityDb(Path dir, long ttlMillis, TtlDB db, Options options, LRUCache cache, BloomFilter filter,
                       int heapEntries, MeterRegistry registry) {
        this.dir = dir;
        this.ttlMillis = ttlMillis;
        this.db = db;
        this.options = options;
        this.cache = cache;
        this.filter = filter;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.registry = registry != null ? registry : new SimpleMeterRegistry();
        this.hot = heapEntries <= 0 ? null : Caffeine.newBuilder().maximumSize(heapEntries).recordStats().build();
        if (hot != null) {
            // How well it serves: the share of lookups the heap answered, and how full it is.
            for (String result : new String[] {"hit", "miss"}) {
                FunctionCounter.builder("drover.identity.heap.lookups", hot,
                                c -> result.equals("hit") ? c.stats().hitCount() : c.stats().missCount())
                        .tag("result", result)
                        .description("Lookups of the identity store's hot entries in the heap: hit (answered from"
                                + " the heap) or miss (read from RocksDB)")
                        .register(this.registry);
            }
            Gauge.builder("drover.identity.heap.entries", hot, Cache::estimatedSize)
                    .description("Identity entries kept decoded in the heap (at most drover.identity.heap-entries)")
                    .register(this.registry);
        }
        this.lookups = Timer.builder("drover.identity.lookups")
                .description("Reads of the identity store (RocksDB gets) and how long they took")
                // Histogram buckets, as Drover's other latencies: percentiles in Prometheus, across instances too
                // (client-side percentiles would need HdrHistogram at run time and cannot be aggregated).
                .serviceLevelObjectives(LOOKUP_BUCKETS)
                .register(this.registry);
        this.deferred = Counter.builder("drover.identity.writes.deferred")
                .description("Updates an event loop did not write because RocksDB would have stalled it; applied"
                        + " when read back from the topic")
                .register(this.registry);
        Gauge.builder("drover.identity.entries", this, IdentityDb::estimatedEntries)
                .description("Entries of the identity store (RocksDB's estimate-num-keys; expired ones until compacted)")
                .register(this.registry);
        Gauge.builder("drover.identity.disk.bytes", this, IdentityDb::diskBytes)
                .description("Size of the identity store's directory").baseUnit("bytes")
                .register(this.registry);
        Gauge.builder("drover.identity.cache.bytes", this, d -> d.longProperty("rocksdb.block-cache-usage"))
                .description("Bytes in the identity store's block cache (off the heap)").baseUnit("bytes")
                .register(this.registry);
    }

    /**
     * Opens the store in {@code dir}, creating it when missing. A directory another process (or this one) has open
     * fails with a clear message (RocksDB's LOCK file); one RocksDB cannot open otherwise (corrupt) is moved aside
     * and an empty store started, to be rebuilt from the topic.
     */
    static IdentityDb open(Path dir, Duration ttl, long cacheBytes, int heapEntries, MeterRegistry registry) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the identity store's directory " + dir, e);
        }
        try {
            return openOnce(dir, ttl, cacheBytes, heapEntries, registry);
        } catch (RocksDBException e) {
            if (isLock(e)) {
                throw new IllegalStateException("The identity store " + dir + " is in use by another Drover (RocksDB's"
                        + " LOCK file is held): two instances cannot share one drover.data-dir (" + e.getMessage() + ")", e);
            }
            Path aside = dir.resolveSibling(dir.getFileName() + ".broken-" + Instant.now().toEpochMilli());
            LOG.error("The identity store {} cannot be opened ({}); moved to {}, and rebuilt from the topic", dir,
                    e.getMessage(), aside);
            try {
                Files.move(dir, aside);
                Files.createDirectories(dir);
                return openOnce(dir, ttl, cacheBytes, heapEntries, registry);
            } catch (IOException | RocksDBException again) {
                throw new IllegalStateException("Cannot open the identity store " + dir + ": " + again.getMessage(), again);
            }
        }
    }

    private static boolean isLock(RocksDBException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return (e.getStatus() == null || e.getStatus().getCode() == Status.Code.IOError) && message.contains("lock");
    }

    private static IdentityDb openOnce(Path dir, Duration ttl, long cacheBytes, int heapEntries, MeterRegistry registry)
            throws RocksDBException {
        long ttlSeconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        // 16 shards (the default would make 1 MB shards of a 64 MB cache), a tenth kept for index and filter blocks.
        LRUCache cache = new LRUCache(cacheBytes, 4, false, 0.1);
        BloomFilter filter = new BloomFilter(10);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                // Index and filter blocks count against the cache: memory stays bounded with any number of files.
                // Partitioned (4 KB pieces under a small top level, pinned): a whole-file filter of a large file is
                // megabytes, larger than a cache shard, and was read from the file at every lookup (1.6 ms p50 with
                // a million users and a 64 MB cache, before this).
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096)
                .setPinTopLevelIndexAndFilter(true)
                // A hash index inside each data block: a point lookup finds its key without a binary search.
                .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setWriteBufferSize(16L * 1024 * 1024)
                .setMaxWriteBufferNumber(2)
                // ZSTD on the bottom level (most entries): LZ4 there was measured no faster at 10 million users
                // (median lookup 10.3 vs 9.5 µs) for 621 MB on disk instead of 371.
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(true)
                .setMaxBackgroundJobs(2)
                .setPeriodicCompactionSeconds(Math.min(ttlSeconds, TimeUnit.DAYS.toSeconds(1)))
                .setMaxTotalWalSize(64L * 1024 * 1024)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(3)
                .setMaxLogFileSize(10L * 1024 * 1024);
        try {
            TtlDB db = TtlDB.open(options, dir.toString(), (int) Math.min(Integer.MAX_VALUE, ttlSeconds), false);
            return new IdentityDb(dir, ttl.toMillis(), db, options, cache, filter, heapEntries, registry);
        } catch (RocksDBException | RuntimeException e) {
            options.close();
            cache.close();
            filter.close();
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * Thrown by a memory-only read that would have to read the disk (no stack: it is an answer, not an error). The
     * event loop then hands the request's identity work to a worker thread.
     */
    static final class NeedsDisk extends RuntimeException {
        static final NeedsDisk INSTANCE = new NeedsDisk();

        private NeedsDisk() {
            super("the entry is not in memory", null, false, false);
        }
    }

    /** The entry of a key; null when there is none or it is older than the expiry time. */
    Identity get(String key) {
        return get(key, false);
    }

    /**
     * The same; with {@code inMemory}, read from the heap, the memtables or the block cache only, and
     * {@link NeedsDisk} when the entry (or the absence of one) can only be known from the disk.
     */
    Identity get(String key, boolean inMemory) {
        if (hot == null || closed) {
            return fromDisk(key, inMemory);
        }
        Identity known = hot.getIfPresent(key);
        if (known == null) {
            // Filled under the key's lock, as writers change it: a value read here cannot be one a write replaced.
            ReentrantLock stripe = stripe(key);
            stripe.lock();
            try {
                known = hot.getIfPresent(key);
                if (known == null) {
                    known = fromDisk(key, inMemory);
                    if (known != null && !closed) {
                        hot.put(key, known);
                    }
                    return known;
                }
            } finally {
                stripe.unlock();
            }
        }
        return System.currentTimeMillis() - known.updatedAt() > ttlMillis ? null : known;
    }

    private Identity fromDisk(String key, boolean inMemory) {
        byte[] value = read(key(key), inMemory);
        if (value == null || expired(value, System.currentTimeMillis())) {
            return null;
        }
        return decode(value);
    }

    private byte[] read(byte[] key, boolean inMemory) {
        open.readLock().lock();
        try {
            if (closed) {
                return null;
            }
            long start = System.nanoTime();
            byte[] value = inMemory ? db.get(memoryOnly, key) : db.get(key);
            lookups.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return value;
        } catch (RocksDBException e) {
            if (inMemory && e.getStatus() != null && e.getStatus().getCode() == Status.Code.Incomplete) {
                throw NeedsDisk.INSTANCE;
            }
            LOG.warn("Identity store read failed: {}", e.getMessage());
            return null;
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * Replaces the entry of a key by what {@code change} makes of the current one (null when none or expired), under
     * the key's lock. Returns false when the write was deferred (RocksDB would have stalled it) or the store is closed.
     */
    boolean compute(String key, UnaryOperator<Identity> change) {
        byte[] k = key(key);
        ReentrantLock stripe = stripe(key);
        stripe.lock();
        try {
            Identity neu = change.apply(get(key));
            boolean written = put(k, encode(neu));
            if (hot != null) {
                if (written) {
                    hot.put(key, neu);
                } else {
                    // Deferred (applied when read back from the topic) or closed: RocksDB has not got it.
                    hot.invalidate(key);
                }
            }
            return written;
        } finally {
            stripe.unlock();
        }
    }

    /** An event loop's write: never waits for a write stall (see the class comment). */
    private boolean put(byte[] key, byte[] value) {
        open.readLock().lock();
        try {
            if (closed) {
                return false;
            }
            db.put(eventLoopWrites, key, value);
            return true;
        } catch (RocksDBException e) {
            deferred.increment();
            if (e.getStatus() == null || e.getStatus().getCode() != Status.Code.Incomplete) {
                LOG.warn("Identity store write failed: {}", e.getMessage());
            }
            return false;
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * Applies records read from the topic, the newer {@code updatedAt} winning (an equal one with equal content
     * writes nothing), and stores the reader's next offsets with them in one atomic write.
     *
     * @param topic     the topic the offsets are of (null with offsets null: records only)
     * @param positions the reader's next offset per partition after these records
     * @return how many records changed an entry
     */
    int applyAll(List<Record> records, String topic, Map<Integer, Long> positions) {
        ReentrantLock[] held = lockAll(records);
        open.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            if (closed) {
                return 0;
            }
            long now = System.currentTimeMillis();
            Map<String, byte[]> pending = new HashMap<>();
            int changed = 0;
            for (Record r : records) {
                if (r.value() == null) {
                    batch.delete(key(r.key()));
                    pending.put(r.key(), DELETED);
                    changed++;
                    continue;
                }
                if (now - r.value().updatedAt() > ttlMillis) {
                    continue;
                }
                byte[] current = pending.containsKey(r.key()) ? pending.get(r.key()) : db.get(key(r.key()));
                if (current == DELETED || current != null && expired(current, now)) {
                    current = null;
                }
                byte[] incoming = encode(r.value());
                if (current != null && (updatedAt(current) > r.value().updatedAt() || Arrays.equals(current, incoming))) {
                    continue;
                }
                batch.put(key(r.key()), incoming);
                pending.put(r.key(), incoming);
                changed++;
            }
            if (positions != null) {
                for (Map.Entry<Integer, Long> p : positions.entrySet()) {
                    batch.put(offsetKey(topic, p.getKey()), ByteBuffer.allocate(8).putLong(p.getValue()).array());
                }
            }
            if (batch.count() > 0) {
                db.write(readerWrites, batch);
            }
            if (hot != null) {
                // Under the records' locks still: the next read of each takes what RocksDB now holds.
                hot.invalidateAll(pending.keySet());
            }
            return changed;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Identity store write failed: " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
            for (ReentrantLock lock : held) {
                lock.unlock();
            }
        }
    }

    /** The stripe locks of the records' keys, taken in index order (an event loop holds at most one at a time). */
    private ReentrantLock[] lockAll(List<Record> records) {
        int[] indexes = records.stream().mapToInt(r -> stripeIndex(r.key())).distinct().sorted().toArray();
        ReentrantLock[] held = new ReentrantLock[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            held[i] = stripes[indexes[i]];
            held[i].lock();
        }
        return held;
    }

    /** The next offset of each partition of the topic stored by the reader; empty: never read (or lost). */
    Map<Integer, Long> offsets(String topic, Iterable<Integer> partitions) {
        Map<Integer, Long> found = new HashMap<>();
        for (int partition : partitions) {
            byte[] v = read(offsetKey(topic, partition), false);
            if (v != null && v.length == 8) {
                found.put(partition, ByteBuffer.wrap(v).getLong());
            }
        }
        return found;
    }

    /** The id of the topic the offsets are of, as last stored (null: none). */
    String topicId(String topic) {
        byte[] v = read(metaKey("topic-id:" + topic), false);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    void setTopicId(String topic, String id) {
        open.readLock().lock();
        try {
            if (!closed) {
                db.put(readerWrites, metaKey("topic-id:" + topic), id.getBytes(StandardCharsets.UTF_8));
            }
        } catch (RocksDBException e) {
            LOG.warn("Identity store write failed: {}", e.getMessage());
        } finally {
            open.readLock().unlock();
        }
    }

    /**
     * Writes entries without the write-ahead log and flushes them: a pre-warm (benchmarks), faster than the usual
     * path by skipping the log; not for a store in service (a crash before the flush would lose them).
     */
    void load(Iterator<Map.Entry<String, Identity>> entries) {
        open.readLock().lock();
        try (WriteOptions bulk = new WriteOptions().setDisableWAL(true); FlushOptions flush = new FlushOptions()) {
            while (entries.hasNext()) {
                try (WriteBatch batch = new WriteBatch()) {
                    for (int i = 0; i < 10_000 && entries.hasNext(); i++) {
                        Map.Entry<String, Identity> e = entries.next();
                        batch.put(key(e.getKey()), encode(e.getValue()));
                    }
                    db.write(bulk, batch);
                }
            }
            db.flush(flush.setWaitForFlush(true));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Identity store load failed: " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    /** Compacts the whole store now (what RocksDB does by itself in the background): expired entries leave the disk. */
    void compact() {
        open.readLock().lock();
        try {
            if (!closed) {
                db.compactRange();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Identity store compaction failed: " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    long estimatedEntries() {
        return longProperty("rocksdb.estimate-num-keys");
    }

    private long longProperty(String name) {
        open.readLock().lock();
        try {
            return closed ? 0 : db.getLongProperty(name);
        } catch (RocksDBException e) {
            return -1;
        } finally {
            open.readLock().unlock();
        }
    }

    /** Bytes of the store's directory (tables, logs, manifest). */
    long diskBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // removed by a compaction meanwhile
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Waits for the reads and writes under way, then closes RocksDB (its memtable is kept in the write-ahead log). */
    @Override
    public void close() {
        open.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (hot != null) {
                hot.invalidateAll();
            }
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.warn("Closing the identity store: {}", e.getMessage());
            }
            eventLoopWrites.close();
            readerWrites.close();
            memoryOnly.close();
            options.close();
            cache.close();
            filter.close();
        } finally {
            open.writeLock().unlock();
        }
    }

    private boolean expired(byte[] value, long now) {
        return now - updatedAt(value) > ttlMillis;
    }

    private ReentrantLock stripe(String key) {
        return stripes[stripeIndex(key)];
    }

    private static int stripeIndex(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] offsetKey(String topic, int partition) {
        return metaKey("offset:" + topic + ":" + partition);
    }

    /** The reader's own keys start with a NUL byte, which no a:/u: key does. */
    private static byte[] metaKey(String name) {
        return ("\0" + name).getBytes(StandardCharsets.UTF_8);
    }

    // --- Encoding: [version][updatedAt: 8 bytes][userId][anonymousId][providers JSON: the rest, empty for {}] with
    // each id as a varint of (length + 1), 0 for null, then its UTF-8 bytes.

    static byte[] encode(Identity identity) {
        byte[] u = identity.userId() == null ? null : identity.userId().getBytes(StandardCharsets.UTF_8);
        byte[] a = identity.anonymousId() == null ? null : identity.anonymousId().getBytes(StandardCharsets.UTF_8);
        byte[] p;
        try {
            p = identity.providers() == null || identity.providers().isEmpty() ? new byte[0]
                    : MAPPER.writeValueAsBytes(identity.providers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 10 + (u == null ? 0 : u.length) + (a == null ? 0 : a.length) + p.length);
        b.put(VERSION).putLong(identity.updatedAt());
        putBytes(b, u);
        putBytes(b, a);
        b.put(p);
        return Arrays.copyOf(b.array(), b.position());
    }

    static Identity decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        if (b.get() != VERSION) {
            throw new IllegalStateException("Identity entry of an unknown version " + value[0]);
        }
        long updatedAt = b.getLong();
        String u = getString(b);
        String a = getString(b);
        ObjectNode providers;
        if (b.remaining() == 0) {
            providers = MAPPER.createObjectNode();
        } else {
            try {
                providers = (ObjectNode) MAPPER.readTree(value, b.position(), b.remaining());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Identity(u, a, providers, updatedAt);
    }

    private static long updatedAt(byte[] value) {
        return ByteBuffer.wrap(value, 1, 8).getLong();
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        int n = bytes == null ? 0 : bytes.length + 1;
        while ((n & ~0x7F) != 0) {
            b.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        b.put((byte) n);
        if (bytes != null) {
            b.put(bytes);
        }
    }

    private static String getString(ByteBuffer b) {
        int n = 0;
        int shift = 0;
        byte x;
        do {
            x = b.get();
            n |= (x & 0x7F) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        if (n == 0) {
            return null;
        }
        String s = new String(b.array(), b.position(), n - 1, StandardCharsets.UTF_8);
        b.position(b.position() + n - 1);
        return s;
    }
}
