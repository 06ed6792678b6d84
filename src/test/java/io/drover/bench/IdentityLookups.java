package io.drover.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.identity.Identity;
import io.drover.identity.IdentityStore;
import org.HdrHistogram.Histogram;

/**
 * The identity store at internet scale (issue 14): a store of {@code --users} visitors (each an {@code a:} entry; the
 * {@code --known} share of them logged in, so also a {@code u:} entry linked both ways, with Meta and GA4 ids), built
 * once into {@code --dir} by a bulk write, then reopened and looked up as ingestion does ({@link IdentityStore#see}:
 * an anonymous visitor's event carries its anonymousId, a known user's a trusted userId and its anonymousId, plus a
 * share of new visitors the store has never seen), users drawn from a Zipf distribution of exponent {@code --zipf}
 * (a few users make most events) over a shuffled population, on one thread as on one event loop. Prints the time to
 * build, the disk size, the time to open, the heap live set after a full GC with the store open, and the latency of
 * one lookup ({@code get}) and of one event ({@code see}: one or two lookups and the merge) at p50/p99/p99.9, warm.
 * Run by bench/identity.sh (docs/benchmarks.md, "Identity store at 10 million users").
 */
public final class IdentityLookups {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path dir = Path.of(a.getOrDefault("dir", "target/bench/identity-store"));
        UserPopulation env = UserPopulation.fromEnvironment();
        int users = Integer.parseInt(a.getOrDefault("users", String.valueOf(env.users)));
        double known = Double.parseDouble(a.getOrDefault("known", String.valueOf(env.known)));
        double zipf = Double.parseDouble(a.getOrDefault("zipf", String.valueOf(env.zipf)));
        double newVisitors = Double.parseDouble(a.getOrDefault("new", String.valueOf(env.fresh)));
        long cache = Long.parseLong(a.getOrDefault("cache-mb", "64")) * 1024 * 1024;
        int heapEntries = Integer.parseInt(a.getOrDefault("heap-entries", "20000"));
        int warmSeconds = Integer.parseInt(a.getOrDefault("warmup-seconds", "20"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
        Duration ttl = Duration.ofDays(90);
        UserPopulation population = new UserPopulation(users, known, zipf, newVisitors);
        System.out.printf("population: %,d users, %.0f%% known (userId), %.0f%% anonymous only; %,d entries%n", users,
                known * 100, (1 - known) * 100, population.entries());

        if (!Files.exists(dir.resolve("CURRENT"))) {
            long t0 = System.nanoTime();
            try (IdentityStore store = IdentityStore.open(dir, ttl, cache, heapEntries, null, (k, v) -> { })) {
                store.load(population.entriesIterator());
                long loaded = System.nanoTime();
                store.compact();
                long compacted = System.nanoTime();
                System.out.printf("build: %.1f s (bulk write %.1f s, full compaction %.1f s); %,d MB on disk%n",
                        (compacted - t0) / 1e9, (loaded - t0) / 1e9, (compacted - loaded) / 1e9,
                        store.diskBytes() / (1024 * 1024));
            }
        } else {
            System.out.println("build: reusing the store in " + dir);
        }
        if (Boolean.parseBoolean(a.getOrDefault("build-only", "false"))) {
            return;
        }

        long openStart = System.nanoTime();
        try (IdentityStore store = IdentityStore.open(dir, ttl, cache, heapEntries, null, (k, v) -> { })) {
            long opened = System.nanoTime();
            Identity probe = store.get(population.anonymousKey(users - 1));
            System.out.printf("open: %.0f ms (first lookup after %.1f ms more: %s); ~%,d entries, %,d MB on disk%n",
                    (opened - openStart) / 1e6, (System.nanoTime() - opened) / 1e6, probe != null ? "found" : "none",
                    store.size(), store.diskBytes() / (1024 * 1024));
            System.out.printf("heap live set with the store open (after System.gc()): %.1f MB%n", liveHeapMb());

            UserPopulation.Zipf draw = new UserPopulation.Zipf(users, zipf, new SplittableRandom(42));
            SplittableRandom r = new SplittableRandom(7);
            Histogram get = new Histogram(60_000_000_000L, 3);
            Histogram see = new Histogram(60_000_000_000L, 3);
            long hits = 0;
            long events = 0;
            for (int phase = 0; phase < 2; phase++) {
                get.reset();
                see.reset();
                hits = 0;
                events = 0;
                long end = System.nanoTime() + (phase == 0 ? warmSeconds : seconds) * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    int user = population.shuffle(draw.sample() - 1);
                    boolean fresh = r.nextDouble() < newVisitors;
                    String anonymousKey = fresh ? "a:" + new UUID(r.nextLong(), r.nextLong()) : population.anonymousKey(user);
                    long s0 = System.nanoTime();
                    Identity found = store.get(anonymousKey);
                    long s1 = System.nanoTime();
                    get.recordValue(s1 - s0);
                    if (found != null) {
                        hits++;
                    }
                    ObjectNode event = JSON.objectNode().put("type", "track").put("event", "Product Viewed")
                            .put("anonymousId", anonymousKey.substring(2));
                    boolean backend = !fresh && population.known(user) && r.nextBoolean();
                    if (backend) {
                        // A server-side event of a logged-in user: its userId only (trusted).
                        event.remove("anonymousId");
                        event.put("userId", population.userId(user));
                    }
                    long e0 = System.nanoTime();
                    store.see(event, backend);
                    see.recordValue(System.nanoTime() - e0);
                    events++;
                }
            }
            System.out.printf("lookups (one get, one thread, warm, %d s): %,d, %.1f%% found; p50 %.1f µs, p99 %.1f µs,"
                            + " p99.9 %.1f µs, max %.0f µs%n", seconds, get.getTotalCount(), 100.0 * hits / events,
                    get.getValueAtPercentile(50) / 1e3, get.getValueAtPercentile(99) / 1e3,
                    get.getValueAtPercentile(99.9) / 1e3, get.getMaxValue() / 1e3);
            System.out.printf("events (see: lookups, enrichment, learning): %,d (%,.0f/s); p50 %.1f µs, p99 %.1f µs,"
                            + " p99.9 %.1f µs, max %.0f µs%n", see.getTotalCount(), see.getTotalCount() / (double) seconds,
                    see.getValueAtPercentile(50) / 1e3, see.getValueAtPercentile(99) / 1e3,
                    see.getValueAtPercentile(99.9) / 1e3, see.getMaxValue() / 1e3);
            System.out.printf("heap live set after the lookups (after System.gc()): %.1f MB; disk %,d MB%n", liveHeapMb(),
                    store.diskBytes() / (1024 * 1024));
        }
    }

    private static double liveHeapMb() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
    }
}
