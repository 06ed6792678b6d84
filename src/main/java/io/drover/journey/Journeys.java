package io.drover.journey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;

/**
 * Every integration's journeys in this instance, kept in memory (see docs/console.md, "Why in memory"): per
 * integration a ring of the latest {@code drover.journey.recent} and a ring of the latest
 * {@code drover.journey.failures} failures within {@code drover.journey.failure-window}, each call's body and answer
 * clipped to {@code drover.journey.body-bytes}. One per Camel context, bound as {@value #BEAN}; made from the
 * context's settings the first time a consumer asks for it.
 */
public final class Journeys {

    public static final String BEAN = "droverJourneys";

    /** What the recorders read on the delivery path: plain fields, read once per event at most. */
    record Settings(boolean enabled, double sampleRate, int maxPerSecond, int recent, int failures,
                    long failureWindowMillis, int bodyChars) {
    }

    private final Settings settings;
    private final Map<String, Store> stores = new ConcurrentHashMap<>();
    /** When this instance began counting: its funnels are what its consumers did since. */
    private final long since = System.currentTimeMillis();

    Journeys(Settings settings) {
        this.settings = settings;
    }

    /** The context's journeys, made from its settings ({@code drover.journey.*}) on first use. */
    public static Journeys of(CamelContext context) {
        synchronized (context) {
            Journeys j = context.getRegistry().lookupByNameAndType(BEAN, Journeys.class);
            if (j == null) {
                j = new Journeys(read(new io.drover.config.Settings(context)));
                context.getRegistry().bind(BEAN, j);
            }
            return j;
        }
    }

    private static Settings read(io.drover.config.Settings s) {
        double rate = Double.parseDouble(s.string("drover.journey.sample-rate", "1"));
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("drover.journey.sample-rate must be from 0 to 1, got " + rate);
        }
        return new Settings(s.bool("drover.journey.enabled", true), rate,
                s.integer("drover.journey.max-per-second", 200), s.integer("drover.journey.recent", 1000),
                s.integer("drover.journey.failures", 1000),
                s.duration("drover.journey.failure-window", Duration.ofHours(1)).toMillis(),
                (int) Math.min(1 << 20, s.bytes("drover.journey.body-bytes", 4096)));
    }

    /** A recorder for one consumer of this integration ({@link Recorder#OFF} when journeys are off). */
    public static Recorder recorder(CamelContext context, String integration) {
        Journeys j = of(context);
        if (!j.settings.enabled()) {
            return Recorder.OFF;
        }
        return new Recorder(j.store(integration), j.settings);
    }

    public boolean enabled() {
        return settings.enabled();
    }

    private Store store(String integration) {
        return stores.computeIfAbsent(integration, name -> new Store(name, settings.recent(), settings.failures(),
                settings.failureWindowMillis()));
    }

    /** The journeys that match, newest first, at most {@code limit}. */
    public List<Journey> find(Predicate<Journey> match, int limit) {
        long now = System.currentTimeMillis();
        List<Journey> out = new ArrayList<>();
        for (Store s : stores.values()) {
            for (Journey j : s.all(now)) {
                if (match.test(j)) {
                    out.add(j);
                }
            }
        }
        out.sort((a, b) -> Long.compare(b.recordedAt, a.recordedAt));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** One message's journeys, one per integration that recorded it (the latest). */
    public List<Journey> ofMessage(String messageId) {
        Map<String, Journey> latest = new TreeMap<>();
        for (Journey j : find(j -> messageId.equals(j.messageId), 1000)) {
            latest.putIfAbsent(j.integration, j);
        }
        return new ArrayList<>(latest.values());
    }

    /** Integrations with a funnel here. */
    public List<String> integrations() {
        return new ArrayList<>(new TreeMap<>(stores).keySet());
    }

    /** An integration's funnel over the last {@code minutes} (at most {@link Funnel#MINUTES}), and who is retried now. */
    public ObjectNode funnel(String integration, int minutes) {
        Store s = stores.get(integration);
        if (s == null) {
            return new Funnel().toJson(System.currentTimeMillis(), minutes).put("retryingNow", 0);
        }
        ObjectNode f = s.funnel.toJson(System.currentTimeMillis(), Math.min(minutes, Funnel.MINUTES));
        f.put("retryingNow", s.retryingNow);
        return f;
    }

    public static int maxWindowMinutes() {
        return Funnel.MINUTES;
    }

    /** The settings as the API shows them. */
    public ObjectNode describe() {
        return JsonNodeFactory.instance.objectNode().put("enabled", settings.enabled())
                .put("sampleRate", settings.sampleRate()).put("maxPerSecond", settings.maxPerSecond())
                .put("recent", settings.recent()).put("failures", settings.failures())
                .put("failureWindowSeconds", settings.failureWindowMillis() / 1000)
                .put("bodyBytes", settings.bodyChars())
                .put("since", java.time.Instant.ofEpochMilli(since).toString());
    }
}
