package io.drover.journey;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One integration's funnel by the minute, for the last {@value #MINUTES} minutes: events received, left out by reason,
 * delivered, dead-lettered, attempts retried, and a latency histogram (every delivered event, from Drover's
 * {@code receivedAt} to the vendor's answer to the call that carried it). Fixed arrays, written once per batch: its
 * cost does not grow with traffic.
 */
final class Funnel {

    static final int MINUTES = 360;
    /** Why events were left out, as the metrics name them; anything else counts as "module". */
    static final String[] REASONS = {"type", "event_name", "integrations_object", "consent", "filter", "module",
        "vendor_rule"};
    /** Latency buckets: four per doubling of milliseconds, up to 2^25 ms (9 hours). */
    static final int BUCKETS = 100;

    private final long[] minute = new long[MINUTES];
    private final long[][] counts = new long[MINUTES][5 + REASONS.length];
    private final long[][] latency = new long[MINUTES][BUCKETS];
    private static final int RECEIVED = 0;
    private static final int DELIVERED = 1;
    private static final int DEAD = 2;
    private static final int RETRIES = 3;
    private static final int DEFERRED = 4;

    static int reason(String code) {
        for (int i = 0; i < REASONS.length; i++) {
            if (REASONS[i].equals(code)) {
                return i;
            }
        }
        return 5;   // module
    }

    static int bucket(long ms) {
        if (ms <= 1) {
            return 0;
        }
        int b = (int) Math.floor(Math.log(ms) / Math.log(2) * 4);
        return Math.min(BUCKETS - 1, Math.max(0, b));
    }

    /** The upper bound of a bucket, in ms. */
    static double upper(int bucket) {
        return Math.pow(2, (bucket + 1) / 4.0);
    }

    private int slot(long now) {
        long m = now / 60_000;
        int i = (int) (m % MINUTES);
        if (minute[i] != m) {
            minute[i] = m;
            java.util.Arrays.fill(counts[i], 0);
            java.util.Arrays.fill(latency[i], 0);
        }
        return i;
    }

    /** One batch's counts, added at once. */
    synchronized void add(long now, int received, int delivered, int dead, int retries, int deferred, int[] leftOut,
                          long[] latencies, int latencyCount) {
        int i = slot(now);
        long[] c = counts[i];
        c[RECEIVED] += received;
        c[DELIVERED] += delivered;
        c[DEAD] += dead;
        c[RETRIES] += retries;
        c[DEFERRED] += deferred;
        for (int r = 0; r < REASONS.length; r++) {
            c[5 + r] += leftOut[r];
        }
        for (int k = 0; k < latencyCount; k++) {
            latency[i][bucket(latencies[k])]++;
        }
    }

    synchronized void retried(long now) {
        counts[slot(now)][RETRIES]++;
    }

    /** The funnel over the last {@code minutes}, with a series per minute for a chart. */
    synchronized ObjectNode toJson(long now, int minutes) {
        long current = now / 60_000;
        long[] sum = new long[5 + REASONS.length];
        long[] hist = new long[BUCKETS];
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode series = JsonNodeFactory.instance.arrayNode();
        for (long m = current - minutes + 1; m <= current; m++) {
            int i = (int) (m % MINUTES);
            boolean valid = minute[i] == m;
            long received = valid ? counts[i][RECEIVED] : 0;
            long delivered = valid ? counts[i][DELIVERED] : 0;
            long dead = valid ? counts[i][DEAD] : 0;
            series.addObject().put("minute", java.time.Instant.ofEpochMilli(m * 60_000).toString())
                    .put("received", received).put("delivered", delivered).put("deadLettered", dead);
            if (valid) {
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += counts[i][k];
                }
                for (int k = 0; k < BUCKETS; k++) {
                    hist[k] += latency[i][k];
                }
            }
        }
        o.put("received", sum[RECEIVED]);
        ObjectNode left = o.putObject("leftOut");
        long leftTotal = 0;
        for (int r = 0; r < REASONS.length; r++) {
            left.put(REASONS[r], sum[5 + r]);
            leftTotal += sum[5 + r];
        }
        o.put("leftOutTotal", leftTotal);
        o.put("delivered", sum[DELIVERED]);
        o.put("deadLettered", sum[DEAD]);
        o.put("deferred", sum[DEFERRED]);
        o.put("retries", sum[RETRIES]);
        long selected = sum[RECEIVED] - leftTotal;
        long ended = sum[DELIVERED] + sum[DEAD];
        o.put("deliveryRate", ended == 0 ? null : round((double) sum[DELIVERED] / ended));
        o.put("selectionRate", sum[RECEIVED] == 0 ? null : round((double) selected / sum[RECEIVED]));
        Map<String, Double> p = percentiles(hist, 0.5, 0.95);
        ObjectNode lat = o.putObject("latencyMs");
        lat.put("samples", p.remove("samples").longValue());
        p.forEach((k, v) -> {
            if (v == null) {
                lat.putNull(k);
            } else {
                lat.put(k, v);
            }
        });
        o.set("series", series);
        return o;
    }

    private static Map<String, Double> percentiles(long[] hist, double... qs) {
        long total = 0;
        for (long h : hist) {
            total += h;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("samples", (double) total);
        for (double q : qs) {
            String name = "p" + Math.round(q * 100);
            if (total == 0) {
                out.put(name, null);
                continue;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int b = 0; b < hist.length; b++) {
                seen += hist[b];
                if (seen >= rank) {
                    out.put(name, Math.round(upper(b) * 10) / 10.0);
                    break;
                }
            }
        }
        return out;
    }

    private static double round(double d) {
        return Math.round(d * 10_000) / 10_000.0;
    }
}
