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
 * <p>An id is kept as 64 bits of the SHA-256 of its source and itself, in tables of longs: 16 to 32 bytes an id
 * instead of about 200 (a String key and a cache entry), which at 20,000 events/s was old-generation churn for the
 * garbage collector. Two different ids share those 64 bits with a probability of n / 2^64 per lookup for n ids
 * remembered: for two million ids, one wrongly dropped event in about 10^13.
 *
 * <p>Two generations: ids go into the current one; once it holds {@code maxEntries} ids or is {@code window} old, it
 * becomes the previous one and the older previous one is forgotten. An id is therefore remembered for at least the
 * window or {@code maxEntries} later ids, whichever ends first, and at most twice that.
 */
final class DedupeWindow {

    /** 2^27 ids: two tables of 2 GiB each at most, more than any heap Drover should run with. */
    static final int MAX_ENTRIES = 1 << 27;

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

    synchronized boolean contains(long key) {
        rotateIfDue(nanoClock.getAsLong());
        return current.contains(key) || previous.contains(key);
    }

    synchronized void remember(long key) {
        long now = nanoClock.getAsLong();
        rotateIfDue(now);
        if (current.size >= maxEntries) {
            rotate(now);
        }
        current.add(key, now);
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
     * An open-addressing set of non-zero longs, at most half full: it starts small and doubles as ids come, up to twice
     * maxEntries slots, so that a quiet site does not hold the full tables. Emptied all at once, never entry by entry.
     */
    private static final class Generation {
        private static final int INITIAL_SLOTS = 1024;
        private final int maxSlots;
        private long[] slots;
        int size;
        long started;
        long lastAdded;

        Generation(int maxEntries, long started) {
            this.maxSlots = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
            this.slots = new long[Math.min(INITIAL_SLOTS, maxSlots)];
            this.started = started;
            this.lastAdded = started;
        }

        boolean contains(long key) {
            return slots[probe(slots, key)] == key;
        }

        void add(long key, long now) {
            lastAdded = now;
            if ((size + 1) * 2 > slots.length && slots.length < maxSlots) {
                grow();
            }
            int i = probe(slots, key);
            if (slots[i] == 0) {
                slots[i] = key;
                size++;
            }
        }

        private void grow() {
            long[] bigger = new long[slots.length * 2];
            for (long k : slots) {
                if (k != 0) {
                    bigger[probe(bigger, k)] = k;
                }
            }
            slots = bigger;
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
                size = 0;
            }
            started = now;
            lastAdded = now;
        }
    }
}
