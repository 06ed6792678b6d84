package io.drover.journey;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.support.IsoTime;
import org.apache.camel.Exchange;

/**
 * The hooks of one integration's consumer: each step of the delivery makes one call here (the selection's decision,
 * a vendor rule's refusal, a request sent, its answer, a retry, the batch's end). Used by that consumer's thread
 * only, so the batch's state needs no lock; what it records goes to the integration's {@link Store}.
 * <p>
 * Cheap by design: the funnel is counted in a few ints per batch and added once; a journey is made only for events
 * sampled ({@code drover.journey.sample-rate}, by messageId, so an event is recorded for every integration or none)
 * and within {@code drover.journey.max-per-second}; failures are always recorded. A journey holds a few strings of
 * the event and the calls that carried it, clipped; never the event.
 */
public class Recorder {

    /** Exchange property holding the consumer's recorder, for the route's steps. */
    public static final String PROPERTY = "drover.journey";
    /** When no recorder runs (journeys off, a route outside Drover's consumer, the playground). */
    public static final Recorder OFF = new Recorder(null, null);

    private final Store store;
    private final Journeys.Settings settings;
    private final boolean on;
    private final Map<ObjectNode, Journey> current = new IdentityHashMap<>();
    /** Each event sent in this batch, and the last call that carried it (its answer ends the event's latency). */
    private final Map<ObjectNode, Call> carried = new IdentityHashMap<>();
    private final Map<ObjectNode, String> refusedByRule = new IdentityHashMap<>();
    /** Events the selection left out in this batch: counted under their reason once, never again at the end. */
    private final Map<ObjectNode, Boolean> notSelected = new IdentityHashMap<>();
    private final int[] leftOut = new int[Funnel.REASONS.length];
    private long[] latencies = new long[64];
    private int attempt;
    private int received;
    private int retries;
    private Call last;
    private long second;
    private int inSecond;

    Recorder(Store store, Journeys.Settings settings) {
        this.store = store;
        this.settings = settings;
        this.on = store != null;
    }

    /**
     * A recorder of its own, kept nowhere but in itself, with no sampling: the playground runs a module's steps on
     * one event with it to show the module's decision.
     */
    public static Recorder capture(String integration) {
        return new Recorder(new Store(integration, 16, 1, 0), new Journeys.Settings(true, 1, Integer.MAX_VALUE, 16, 1,
                0, 64 * 1024));
    }

    /** What this recorder has recorded, newest first. */
    public List<Journey> recorded() {
        return on ? store.recent.snapshot() : List.of();
    }

    /** The exchange's recorder, or {@link #OFF}. */
    public static Recorder of(Exchange exchange) {
        Recorder r = exchange.getProperty(PROPERTY, Recorder.class);
        return r == null ? OFF : r;
    }

    /** A new batch: what the last one left is forgotten. */
    public void begin() {
        if (!on) {
            return;
        }
        current.clear();
        carried.clear();
        refusedByRule.clear();
        notSelected.clear();
        java.util.Arrays.fill(leftOut, 0);
        received = 0;
        retries = 0;
        attempt = 0;
        last = null;
    }

    /** The attempt about to run (1, 2, ...); returns this, for the exchange's property. */
    public Recorder attempt(int attempt) {
        if (attempt == 1) {
            begin();
        }
        this.attempt = attempt;
        return this;
    }

    /**
     * The selection's decision on one event: {@code code} null when selected, else its reason code and a sentence.
     * Counted at the first attempt only (a retry runs the selection again on the events still open).
     */
    public void decided(ObjectNode event, String code, String detail) {
        if (!on || attempt > 1) {
            return;
        }
        received++;
        if (code != null) {
            leftOut[Funnel.reason(code)]++;
            notSelected.put(event, Boolean.TRUE);
        }
        if (!sampled(event)) {
            return;
        }
        long now = System.currentTimeMillis();
        Journey j = new Journey(store.integration, event, now);
        if (code != null) {
            j.leftOut(code, detail, now);
        } else {
            current.put(event, j);
        }
        store.recent.add(j);
    }

    /** A vendor rule (its window) refused the event alone, before any request: it is dead-lettered with the reason. */
    public void refused(ObjectNode event, String code, String reason) {
        if (!on) {
            return;
        }
        refusedByRule.put(event, reason);
        Journey j = journey(event);
        store.failures.add(j);
        j.leftOut("vendor_rule", reason + " (" + code + "; kept as a dead letter, to replay)", System.currentTimeMillis());
    }

    /** A call about to be sent, carrying these events. */
    public void sending(String method, String url, Map<String, String> headers, String body, List<ObjectNode> events) {
        if (!on) {
            return;
        }
        Call c = new Call(System.currentTimeMillis(), method, url, headers, body, settings.bodyChars(), events.size());
        last = c;
        for (ObjectNode e : events) {
            carried.put(e, c);
            Journey j = current.get(e);
            if (j != null) {
                j.called(attempt, c);
            }
        }
    }

    /** The vendor's answer to the last call sent. */
    public void answered(int status, String body) {
        if (on && last != null) {
            last.answered(status, body, settings.bodyChars(), System.currentTimeMillis());
        }
    }

    /** The attempt failed; the events still open are sent again after {@code delayMillis}. */
    public void retrying(List<ObjectNode> open, String why, long delayMillis) {
        if (!on) {
            return;
        }
        retries++;
        store.retryingNow = open.size();
        long now = System.currentTimeMillis();
        for (ObjectNode e : open) {
            Journey j = journey(e);
            boolean first = !j.failed();
            j.retrying(attempt, why, delayMillis, now);
            if (first) {
                store.failures.add(j);
            }
        }
    }

    /**
     * The batch ended (delivered, dead letters written, deferred events on the retry topic), before its offsets are
     * committed: each event's final state, and the funnel's counts for the batch.
     *
     * @param rejection why an event was refused for good ({@code null}: it was not)
     * @param deferred  whether the vendor said it came too early (sent again later)
     * @param open      whether it is still open (then the batch's {@code failure} dead-lettered it)
     * @param failure   the final failure of the batch, {@code null} when it was delivered
     */
    public void finished(List<ObjectNode> events, Function<ObjectNode, String> rejection, Predicate<ObjectNode> deferred,
                         Predicate<ObjectNode> open, String failure) {
        if (!on) {
            return;
        }
        long now = System.currentTimeMillis();
        int delivered = 0;
        int dead = 0;
        int later = 0;
        int timed = 0;
        for (ObjectNode e : events) {
            String rejected = rejection.apply(e);
            Journey.State state;
            String reason = null;
            if (notSelected.containsKey(e)) {
                continue;   // counted at its decision (it went in no request, but not because of the module)
            } else if (refusedByRule.containsKey(e)) {
                leftOut[Funnel.reason("vendor_rule")]++;
                continue;
            } else if (rejected != null) {
                state = Journey.State.DEAD_LETTERED;
                reason = rejected;
                dead++;
            } else if (deferred.test(e)) {
                state = Journey.State.DEFERRED;
                reason = "the vendor said it came too early; sent again later";
                later++;
            } else if (open.test(e) && failure != null) {
                state = Journey.State.DEAD_LETTERED;
                reason = failure;
                dead++;
            } else if (!carried.containsKey(e)) {
                // Selected, but the module's mapping sent it in no request (a playbook filter, the bean's own rule).
                leftOut[Funnel.reason("module")]++;
                Journey j = current.get(e);
                if (j != null) {
                    j.leftOut("module", "the module's mapping (its playbook or request bean) left it out", now);
                }
                continue;
            } else {
                state = Journey.State.DELIVERED;
                delivered++;
            }
            long ms = -1;
            if (state == Journey.State.DELIVERED) {
                // Every delivered event's latency, sampled or not: from Drover's receivedAt (set before the
                // acknowledgement) to the vendor's answer to the call that carried it.
                ms = latency(e, carried.get(e), now);
                if (ms >= 0) {
                    if (timed == latencies.length) {
                        latencies = java.util.Arrays.copyOf(latencies, timed * 2);
                    }
                    latencies[timed++] = ms;
                }
            }
            Journey j = state == Journey.State.DELIVERED ? current.get(e) : journey(e);
            if (j == null) {
                continue;
            }
            boolean firstFailure = state != Journey.State.DELIVERED && !j.failed();
            j.ended(state, reason, attempt, now);
            if (firstFailure) {
                store.failures.add(j);
            }
            if (ms >= 0) {
                j.latency(ms);
            }
        }
        store.retryingNow = 0;
        store.funnel.add(now, received, delivered, dead, retries, later, leftOut, latencies, timed);
        begin();
    }

    /**
     * Milliseconds from the event's {@code receivedAt} (Drover's, written at ingestion) to the answer of the call that
     * carried it ({@code now} for a call with no answer recorded, a sink's write); -1 without a readable receivedAt.
     * The common ISO shape is read by hand (IsoTime), so this is a field lookup and a few dozen ns per event.
     */
    static long latency(ObjectNode event, Call call, long now) {
        JsonNode received = event.get("receivedAt");
        if (received == null || !received.isTextual()) {
            return -1;
        }
        java.time.Instant at = IsoTime.parse(received.textValue());
        if (at == null) {
            return -1;
        }
        long end = call != null && call.status >= 0 ? call.answeredAt : now;
        return Math.max(0, end - at.toEpochMilli());
    }

    /** The event's journey in this batch; made now if it was not sampled (failures are always recorded). */
    private Journey journey(ObjectNode event) {
        Journey j = current.get(event);
        if (j == null) {
            j = new Journey(store.integration, event, System.currentTimeMillis());
            current.put(event, j);
            store.recent.add(j);
        }
        return j;
    }

    private boolean sampled(JsonNode event) {
        double rate = settings.sampleRate();
        if (rate < 1) {
            JsonNode id = event.get("messageId");
            int h = id == null ? 0 : id.asText().hashCode();
            if ((h & 0x7fffffff) % 10_000 >= rate * 10_000) {
                return false;
            }
        }
        long s = System.currentTimeMillis() / 1000;
        if (s != second) {
            second = s;
            inSecond = 0;
        }
        return ++inSecond <= settings.maxPerSecond();
    }
}
