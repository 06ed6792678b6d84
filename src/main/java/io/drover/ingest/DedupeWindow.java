package io.drover.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Remembers the message ids accepted recently, per source, so that a client re-sending a batch it believes lost does
 * not store its events twice. Bounded in time (Segment promises about 24 hours) and in count (memory); ids are
 * remembered only once Kafka has acknowledged them, so a failed write can always be retried.
 *
 * <p>An id is kept as 64 bits of the SHA-256 of its source and itself, in tables of longs: 32 to 64 bytes an id
 * instead of about 200 (a String key and a cache entry), which at 20,000 events/s was old-generation churn for the
 * garbage collector. Two different ids share those 64 bits with a probability of n / 2^64 per lookup for n ids
 * remembered: for two million ids, one wrongly dropped event in about 10^13.
 *
 * <p>Beside each id, where drover.events holds its first copy (partition and offset), once the topic's tail has read
 * it ({@link StoredIdsTail}): the integrations leave out a later copy of the same partition, stored by another
 * instance before this one knew the id.
 *
 * <p>Two generations: ids go into the current one; once it holds {@code maxEntries} ids or is {@code window} old, it
 * becomes the previous one and the older previous one is forgotten. An id is therefore remembered for at least the
 * window or {@code maxEntries} later ids, whichever ends first, and at most twice that.
 */
final class DedupeWindow {

    /** 2^27 ids: two tables of 2 GiB each at most, more than any heap Drover should run with. */
    static final int MAX_ENTRIES = 1 << 27;
    /** No position: the id is not remembered, or only ingestion has seen it so far. */
    static final long UNKNOWN = -1;
    /** Not in a generation (place's answer). */
    private static final long ABSENT = -2;
    private static final int OFFSET_BITS = 47;

    private final long windowNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(DedupeWindow::newDigest);
    private Generation current;
    private Generation previous;

    DedupeWindow(Duration window, int maxEntries) {
        this(window, maxEntries, System::nanoTime);
    }

    DedupeWindow(Duration window, int maxEntries, LongSupplier nanoClock) {
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("drover.ingest.dedupe-max-entries must be between 1 and " + MAX_ENTRIES
                    + ", not " + maxEntries);
        }
        this.windowNanos = window.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
        this.current = new Generation(maxEntries, nanoClock.getAsLong());
        this.previous = new Generation(maxEntries, current.started);
    }

    /** The id's 64-bit key, computed once per message and passed to {@link #contains} and {@link #remember}. */
    long key(String source, String messageId) {
        MessageDigest digest = sha256.get();
        digest.update(source.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        byte[] hash = digest.digest(messageId.getBytes(StandardCharsets.UTF_8));
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (hash[i] & 0xff);
        }
        // 0 marks a free slot of the table.
        return key == 0 ? 1 : key;
    }

    /** A key as 8 bytes, big-endian: the value of the record header {@code drover.dedupe}. */
    static byte[] bytes(long key) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) key;
            key >>>= 8;
        }
        return b;
    }

    /** The key a {@link #bytes} header holds, or 0 when it does not hold one (0 is never a key). */
    static long fromBytes(byte[] b) {
        if (b == null || b.length != 8) {
            return 0;
        }
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (b[i] & 0xff);
        }
        return key;
    }

    synchronized boolean contains(long key) {
        rotateIfDue(nanoClock.getAsLong());
        return current.contains(key) || previous.contains(key);
    }

    synchronized void remember(long key) {
        add(key, UNKNOWN);
    }

    /**
     * Ids being written now, not yet acknowledged: a client's retry that arrives meanwhile (its first request timed out
     * on the client's side, not on Drover's) is told to come back, never stored a second time nor answered 200 for a
     * copy that may still fail. Few at a time: the requests in flight.
     */
    private final java.util.Set<Long> inFlight = new java.util.HashSet<>();

    /** Marks the id as being written; false when a write of it is already in flight. */
    synchronized boolean begin(long key) {
        return inFlight.add(key);
    }

    /** The write of these ids ended (stored or failed); stored ones are remembered. */
    synchronized void end(long[] keys, int count, boolean stored) {
        for (int i = 0; i < count; i++) {
            inFlight.remove(keys[i]);
            if (stored) {
                remember(keys[i]);
            }
        }
    }

    /**
     * The topic holds a copy of the id at this partition and offset (read in order per partition): kept if it is the
     * first one known, so every instance names the same first copy. Returns the first copy's position.
     */
    synchronized long stored(long key, int partition, long offset) {
        long position = ((long) partition << OFFSET_BITS) | offset;
        long first = current.place(key, position);
        if (first == ABSENT) {
            first = previous.place(key, position);
        }
        if (first == ABSENT) {
            add(key, position);
            first = position;
        }
        return first;
    }

    static int partition(long position) {
        return (int) (position >>> OFFSET_BITS);
    }

    static long offset(long position) {
        return position & ((1L << OFFSET_BITS) - 1);
    }

    private void add(long key, long position) {
        long now = nanoClock.getAsLong();
        rotateIfDue(now);
        if (current.size >= maxEntries) {
            rotate(now);
        }
        current.add(key, position, now);
    }

    private void rotateIfDue(long now) {
        if (now - current.started >= windowNanos) {
            rotate(now);
        }
        if (previous.size > 0 && now - previous.lastAdded >= windowNanos) {
            // Even its newest id is older than the window (after an idle time): nothing in it needs remembering.
            previous.clear(now);
        }
    }

    private void rotate(long now) {
        Generation forgotten = previous;
        previous = current;
        forgotten.clear(now);
        current = forgotten;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * An open-addressing map of non-zero longs to positions, at most half full: it starts small and doubles as ids come, up to twice
     * maxEntries slots, so that a quiet site does not hold the full tables. Emptied all at once, never entry by entry.
     */
    private static final class Generation {
        private static final int INITIAL_SLOTS = 1024;
        private final int maxSlots;
        private long[] slots;
        private long[] positions;
        int size;
        long started;
        long lastAdded;

        Generation(int maxEntries, long started) {
            this.maxSlots = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
            this.slots = new long[Math.min(INITIAL_SLOTS, maxSlots)];
            this.positions = new long[slots.length];
            this.started = started;
            this.lastAdded = started;
        }

        boolean contains(long key) {
            return slots[probe(slots, key)] == key;
        }

        /** Gives a present key its first position; returns the position it holds, or ABSENT. */
        long place(long key, long position) {
            int i = probe(slots, key);
            if (slots[i] != key) {
                return ABSENT;
            }
            if (positions[i] == UNKNOWN) {
                positions[i] = position;
            }
            return positions[i];
        }

        void add(long key, long position, long now) {
            lastAdded = now;
            if ((size + 1) * 2 > slots.length && slots.length < maxSlots) {
                grow();
            }
            int i = probe(slots, key);
            if (slots[i] == 0) {
                slots[i] = key;
                positions[i] = position;
                size++;
            } else if (positions[i] == UNKNOWN) {
                positions[i] = position;
            }
        }

        private void grow() {
            long[] bigger = new long[slots.length * 2];
            long[] biggerPositions = new long[bigger.length];
            for (int j = 0; j < slots.length; j++) {
                long k = slots[j];
                if (k != 0) {
                    int i = probe(bigger, k);
                    bigger[i] = k;
                    biggerPositions[i] = positions[j];
                }
            }
            slots = bigger;
            positions = biggerPositions;
        }

        /** Where the key is, or the free slot where it belongs (linear probing; the table is never full). */
        private static int probe(long[] table, long key) {
            int mask = table.length - 1;
            // The key is already a uniform hash: its low bits index the table directly.
            for (int i = (int) key & mask; ; i = (i + 1) & mask) {
                if (table[i] == key || table[i] == 0) {
                    return i;
                }
            }
        }

        void clear(long now) {
            if (size > 0) {
                Arrays.fill(slots, 0);
                Arrays.fill(positions, UNKNOWN);
                size = 0;
            }
            started = now;
            lastAdded = now;
        }
    }
}
