package io.drover.bench;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.identity.Identity;

/**
 * The users the benchmarks send events for (issue 14: "millions of distinct users, not thousands"): {@code users}
 * visitors 0..n-1, the {@code known} share of them logged in (a userId beside the anonymousId), events per user drawn
 * from a Zipf distribution of exponent {@code zipf} over a shuffled population (a few users make most events), and a
 * {@code fresh} share of events from visitors never seen before. The same ids are built by bench/ingest.lua (wrk), by
 * {@link OpenLoop} and {@link EndToEnd}, and stored by {@link IdentityLookups} into the pre-warmed identity store that
 * bench/run.sh and bench/e2e.sh start Drover on, so that the store knows the users the load sends.
 *
 * <p>Set by the environment, as the shell scripts and wrk's Lua read it: {@code BENCH_USERS} (10,000,000; 0: a fresh
 * user per event, nothing pre-warmed, the benchmarks' old behaviour), {@code BENCH_KNOWN} (0.3), {@code BENCH_ZIPF}
 * (1.1), {@code BENCH_NEW} (0.05).
 */
final class UserPopulation {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    final int users;
    final double known;
    final double zipf;
    final double fresh;
    private final int knownPerMille;
    private final long now = System.currentTimeMillis();

    UserPopulation(int users, double known, double zipf, double fresh) {
        this.users = users;
        this.known = known;
        this.zipf = zipf;
        this.fresh = fresh;
        this.knownPerMille = (int) Math.round(known * 1000);
    }

    static UserPopulation fromEnvironment() {
        return new UserPopulation(Integer.parseInt(env("BENCH_USERS", "10000000")), Double.parseDouble(env("BENCH_KNOWN", "0.3")),
                Double.parseDouble(env("BENCH_ZIPF", "1.1")), Double.parseDouble(env("BENCH_NEW", "0.05")));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** One line for a report: what the figures beside it were measured with. */
    String describe() {
        if (users == 0) {
            return "a fresh user per event (no population)";
        }
        return String.format(java.util.Locale.ROOT, "%,d users (%.0f%% known), Zipf %.2f, %.0f%% of events from new visitors",
                users, known * 100, zipf, fresh * 100);
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

    /** UUID-shaped (36 characters, as analytics.js makes): {@code %08x-0000-4000-8000-%012d} of the index. */
    String anonymousId(int i) {
        // Without String.format's cost (it runs 13 million times when the store is built).
        String hex = Integer.toHexString(i);
        String dec = Integer.toString(i);
        StringBuilder b = new StringBuilder(36);
        b.append("00000000", 0, 8 - hex.length()).append(hex).append("-0000-4000-8000-");
        return b.append("000000000000", 0, 12 - dec.length()).append(dec).toString();
    }

    String anonymousKey(int i) {
        return "a:" + anonymousId(i);
    }

    String userId(int i) {
        return "customer-" + i;
    }

    String userKey(int i) {
        return "u:" + userId(i);
    }

    /**
     * Rank (0 = most active) to user: a fixed permutation (7919 is prime: any population that is not a multiple of it),
     * so that popular users are spread over the key space; exact in a Lua double too.
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

    /** The ids of one event. */
    record Visitor(String anonymousId, String userId) {

        /** {@code "anonymousId":"...","userId":"..."} (the ones that are set), for a JSON body being built. */
        StringBuilder appendTo(StringBuilder b) {
            if (anonymousId != null) {
                b.append("\"anonymousId\":\"").append(anonymousId).append('"');
            }
            if (userId != null) {
                b.append(anonymousId != null ? "," : "").append("\"userId\":\"").append(userId).append('"');
            }
            return b;
        }
    }

    /** Draws the visitors of events, one per call; one per thread (not thread-safe). */
    Draw draw(long seed) {
        return new Draw(seed);
    }

    final class Draw {
        private final SplittableRandom random;
        private final Zipf ranks;
        private long sequence;

        private Draw(long seed) {
            random = new SplittableRandom(seed);
            ranks = users > 0 ? new Zipf(users, zipf, random) : null;
        }

        /**
         * An anonymous visitor's event carries its anonymousId; half of a known user's events are server-side and
         * carry its userId only (the other half come from its browser, before or after login: the anonymousId); a
         * new visitor's anonymousId has never been seen.
         */
        Visitor next() {
            if (users == 0 || random.nextDouble() < fresh) {
                return new Visitor(new UUID(random.nextLong(), random.nextLong()).toString(),
                        users == 0 ? "bench-" + Long.toString(++sequence, 36) + "-" + Long.toString(random.nextLong() >>> 1, 36) : null);
            }
            int user = shuffle(ranks.sample() - 1);
            if (known(user) && random.nextBoolean()) {
                return new Visitor(null, userId(user));
            }
            return new Visitor(anonymousId(user), null);
        }
    }

    /** Every user's store entries, in index order (a known user's {@code a:} entry, then its {@code u:} entry). */
    Iterator<Map.Entry<String, Identity>> entriesIterator() {
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
                    return Map.entry(userKey(u), new Identity(userId(u), anonymousId(u), providers(u), now));
                }
                if (k) {
                    userPending = true;
                } else {
                    i++;
                }
                return Map.entry(anonymousKey(u), new Identity(k ? userId(u) : null, anonymousId(u), providers(u), now));
            }
        };
    }

    /**
     * Zipf over 1..n with exponent s, by rejection-inversion (Hörmann and Derflinger 1996, as Apache Commons RNG's
     * RejectionInversionZipfSampler): no table, so no heap that grows with n. bench/ingest.lua has the same in Lua.
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
