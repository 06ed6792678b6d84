package io.drover.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
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
        int users = Integer.parseInt(a.getOrDefault("users", "10000000"));
        double known = Double.parseDouble(a.getOrDefault("known", "0.3"));
        double zipf = Double.parseDouble(a.getOrDefault("zipf", "1.1"));
        double newVisitors = Double.parseDouble(a.getOrDefault("new", "0.05"));
        long cache = Long.parseLong(a.getOrDefault("cache-mb", "64")) * 1024 * 1024;
        int warmSeconds = Integer.parseInt(a.getOrDefault("warmup-seconds", "20"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
        Duration ttl = Duration.ofDays(90);
        Population population = new Population(users, known);
        System.out.printf("population: %,d users, %.0f%% known (userId), %.0f%% anonymous only; %,d entries%n", users,
                known * 100, (1 - known) * 100, population.entries());

        if (!Files.exists(dir.resolve("CURRENT"))) {
            long t0 = System.nanoTime();
            try (IdentityStore store = IdentityStore.open(dir, ttl, cache, null, (k, v) -> { })) {
                store.load(population.iterator());
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
        try (IdentityStore store = IdentityStore.open(dir, ttl, cache, null, (k, v) -> { })) {
            long opened = System.nanoTime();
            Identity probe = store.get(population.anonymousKey(users - 1));
            System.out.printf("open: %.0f ms (first lookup after %.1f ms more: %s); ~%,d entries, %,d MB on disk%n",
                    (opened - openStart) / 1e6, (System.nanoTime() - opened) / 1e6, probe != null ? "found" : "none",
                    store.size(), store.diskBytes() / (1024 * 1024));
            System.out.printf("heap live set with the store open (after System.gc()): %.1f MB%n", liveHeapMb());

            Zipf draw = new Zipf(users, zipf, new SplittableRandom(42));
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
                        event.put("userId", population.userKey(user).substring(2));
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

    /** Users 0..n-1: ids derived from the index (UUID anonymous ids, as analytics.js makes; userIds as a shop's). */
    static final class Population {
        private final int users;
        private final int knownPerMille;
        private final long now = System.currentTimeMillis();

        Population(int users, double known) {
            this.users = users;
            this.knownPerMille = (int) Math.round(known * 1000);
        }

        boolean known(int i) {
            return (i * 7919L) % 1000 < knownPerMille;
        }

        long entries() {
            long k = 0;
            for (int i = 0; i < users; i++) {
                k += known(i) ? 2 : 1;
            }
            return k;
        }

        /** UUID-shaped (36 characters, as analytics.js makes) and simple enough for bench/ingest.lua to make too. */
        String anonymousId(int i) {
            // String.format("%08x-0000-4000-8000-%012d", i, i), without the formatter's cost (13 million times).
            String hex = Integer.toHexString(i);
            String dec = Integer.toString(i);
            StringBuilder b = new StringBuilder(36);
            b.append("00000000", 0, 8 - hex.length()).append(hex).append("-0000-4000-8000-");
            return b.append("000000000000", 0, 12 - dec.length()).append(dec).toString();
        }

        String anonymousKey(int i) {
            return "a:" + anonymousId(i);
        }

        String userKey(int i) {
            return "u:customer-" + i;
        }

        /**
         * Rank (0 = most active) to user: a fixed permutation (7919 is prime: any population that is not a multiple
         * of it), so that popular users are spread over the key space; exact in a Lua double too.
         */
        int shuffle(int rank) {
            return (int) ((rank * 7919L) % users);
        }

        ObjectNode providers(int i) {
            ObjectNode p = JSON.objectNode();
            p.putObject("meta").put("fbp", "fb.1.1732780800000." + (i * 7919L) % 1_000_000_007L);
            p.putObject("google").put("clientId", (i * 104729L) % 1_000_000_007L + ".1732780800");
            return p;
        }

        Iterator<Map.Entry<String, Identity>> iterator() {
            return new Iterator<>() {
                int i;
                boolean userPending;

                @Override
                public boolean hasNext() {
                    return i < users || userPending;
                }

                @Override
                public Map.Entry<String, Identity> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    int u = i;
                    boolean k = known(u);
                    if (userPending) {
                        userPending = false;
                        i++;
                        return Map.entry(userKey(u), new Identity(userKey(u).substring(2), anonymousId(u),
                                providers(u), now));
                    }
                    if (k) {
                        userPending = true;
                    } else {
                        i++;
                    }
                    return Map.entry(anonymousKey(u), new Identity(k ? userKey(u).substring(2) : null, anonymousId(u),
                            providers(u), now));
                }
            };
        }

    }

    /**
     * Zipf over 1..n with exponent s, by rejection-inversion (Hörmann and Derflinger 1996, as Apache Commons RNG's
     * RejectionInversionZipfSampler): no table, so no heap that grows with n.
     */
    static final class Zipf {
        private final int n;
        private final double s;
        private final SplittableRandom random;
        private final double hIntegralX1;
        private final double hIntegralN;
        private final double sConst;

        Zipf(int n, double s, SplittableRandom random) {
            this.n = n;
            this.s = s;
            this.random = random;
            this.hIntegralX1 = hIntegral(1.5) - 1;
            this.hIntegralN = hIntegral(n + 0.5);
            this.sConst = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
        }

        int sample() {
            while (true) {
                double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
                double x = hIntegralInverse(u);
                int k = (int) (x + 0.5);
                if (k < 1) {
                    k = 1;
                } else if (k > n) {
                    k = n;
                }
                if (k - x <= sConst || u >= hIntegral(k + 0.5) - h(k)) {
                    return k;
                }
            }
        }

        private double h(double x) {
            return Math.exp(-s * Math.log(x));
        }

        private double hIntegral(double x) {
            double logX = Math.log(x);
            return helper2((1 - s) * logX) * logX;
        }

        private double hIntegralInverse(double x) {
            double t = x * (1 - s);
            if (t < -1) {
                t = -1;
            }
            return Math.exp(helper1(t) * x);
        }

        private static double helper1(double x) {
            return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
        }

        private static double helper2(double x) {
            return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
        }
    }
}
