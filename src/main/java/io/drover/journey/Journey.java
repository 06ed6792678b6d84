package io.drover.journey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one integration did with one event: selected or left out and why, each attempt with the calls that carried it
 * and the vendor's answers, and how it ended. Holds a few strings of the event (ids, type, name), never the event:
 * the journeys' memory does not grow with event sizes. Changed by the integration's thread, read by the admin API's,
 * under its own lock (uncontended on the delivery path).
 */
public final class Journey {

    /** Where an event stands with an integration. */
    public enum State {
        LEFT_OUT("left-out"), IN_FLIGHT("in-flight"), RETRYING("retrying"), DELIVERED("delivered"),
        DEAD_LETTERED("dead-lettered"), DEFERRED("deferred");

        final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static State of(String label) {
            for (State s : values()) {
                if (s.label.equals(label)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Attempts kept per journey: the first ones and the last (a module may allow many). */
    private static final int MAX_ATTEMPTS = 12;

    final String integration;
    final String messageId;
    final String userId;
    final String anonymousId;
    final String type;
    final String event;
    final String receivedAt;
    final long recordedAt;
    private String leftOutCode;
    private String leftOutDetail;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private State state;
    private String reason;
    private long endedAt;
    private long latencyMs = -1;
    private long retryAt;
    private boolean failed;

    Journey(String integration, JsonNode e, long now) {
        this.integration = integration;
        this.messageId = text(e, "messageId");
        this.userId = text(e, "userId");
        this.anonymousId = text(e, "anonymousId");
        this.type = text(e, "type");
        this.event = text(e, "event");
        this.receivedAt = text(e, "receivedAt");
        this.recordedAt = now;
        this.state = State.IN_FLIGHT;
    }

    /** The tree's own String (no copy), or null. */
    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || !v.isTextual() ? null : v.textValue();
    }

    synchronized void leftOut(String code, String detail, long now) {
        this.leftOutCode = code;
        this.leftOutDetail = detail;
        this.state = State.LEFT_OUT;
        this.reason = detail;
        this.endedAt = now;
    }

    synchronized void called(int attempt, Call call) {
        attempt(attempt).calls.add(call);
    }

    private Attempt attempt(int number) {
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        if (last != null && last.number == number) {
            return last;
        }
        Attempt a = new Attempt(number, System.currentTimeMillis());
        if (attempts.size() >= MAX_ATTEMPTS) {
            attempts.remove(MAX_ATTEMPTS / 2);   // keeps the first ones and the latest
        }
        attempts.add(a);
        return a;
    }

    /** This attempt failed and another comes after {@code retryInMs}. */
    synchronized void retrying(int attempt, String why, long retryInMs, long now) {
        Attempt a = attempt(attempt);
        a.failure = why;
        a.retryInMs = retryInMs;
        this.state = State.RETRYING;
        this.reason = why;
        this.retryAt = now + retryInMs;
        this.failed = true;
    }

    synchronized void ended(State state, String reason, int lastAttempt, long now) {
        if (this.state == State.LEFT_OUT) {
            return;
        }
        if (state == State.DEAD_LETTERED && lastAttempt > 0 && !attempts.isEmpty()) {
            Attempt a = attempt(lastAttempt);
            if (a.failure == null) {
                a.failure = reason;
            }
        }
        this.state = state;
        this.reason = reason;
        this.endedAt = now;
        if (state != State.DELIVERED) {
            this.failed = true;
        }
    }

    synchronized void latency(long ms) {
        this.latencyMs = ms;
    }

    synchronized boolean carried() {
        for (Attempt a : attempts) {
            if (!a.calls.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean failed() {
        return failed;
    }

    public String messageId() {
        return messageId;
    }

    public String userId() {
        return userId;
    }

    public String anonymousId() {
        return anonymousId;
    }

    public String integration() {
        return integration;
    }

    public long recordedAt() {
        return recordedAt;
    }

    /** A line of a list: ids, integration, state and reason, without the calls. */
    public synchronized ObjectNode summary() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("integration", integration);
        o.put("messageId", messageId);
        o.put("type", type);
        if (event != null) {
            o.put("event", event);
        }
        o.put("userId", userId);
        o.put("anonymousId", anonymousId);
        o.put("receivedAt", receivedAt);
        o.put("recordedAt", Instant.ofEpochMilli(recordedAt).toString());
        o.put("state", state.label);
        if (reason != null) {
            o.put("reason", reason);
        }
        return o;
    }

    /**
     * The whole journey; texts that came from settings (tokens in URLs, Authorization headers) pass the masker, and
     * vendors' answers too (they may echo the request).
     */
    public synchronized ObjectNode toJson(Masking masking) {
        ObjectNode o = summary();
        ObjectNode decision = o.putObject("decision");
        if (leftOutCode != null) {
            decision.put("selected", false).put("reason", leftOutCode).put("detail", masking.text(leftOutDetail));
        } else {
            decision.put("selected", true);
        }
        ArrayNode list = o.putArray("attempts");
        for (Attempt a : attempts) {
            ObjectNode j = list.addObject().put("attempt", a.number).put("at", Instant.ofEpochMilli(a.at).toString());
            ArrayNode calls = j.putArray("requests");
            for (Call c : a.calls) {
                calls.add(call(c, masking));
            }
            if (a.failure != null) {
                j.put("failure", masking.text(a.failure));
            }
            if (a.retryInMs > 0) {
                j.put("retryInMs", a.retryInMs);
            }
        }
        if (state == State.RETRYING) {
            o.put("nextAttemptAt", Instant.ofEpochMilli(retryAt).toString());
        }
        if (endedAt > 0) {
            o.put("endedAt", Instant.ofEpochMilli(endedAt).toString());
        }
        if (latencyMs >= 0) {
            o.put("latencyMs", latencyMs);
        }
        if (reason != null) {
            o.put("reason", masking.text(reason));
        }
        return o;
    }

    private static ObjectNode call(Call c, Masking masking) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("sentAt", Instant.ofEpochMilli(c.sentAt).toString());
        r.put("method", c.method);
        r.put("url", masking.url(c.url));
        ObjectNode h = r.putObject("headers");
        c.headers.forEach((k, v) -> h.put(k, masking.header(k, v)));
        r.put("body", masking.body(c.body));
        r.put("bodyChars", c.bodyChars);
        if (Clip.clipped(c.body, c.bodyChars)) {
            r.put("bodyClipped", true);
        }
        r.put("events", c.events);
        int status = c.status;
        if (status >= 0) {
            ObjectNode answer = r.putObject("response");
            answer.put("status", status);
            answer.put("body", masking.body(c.response));
            answer.put("at", Instant.ofEpochMilli(c.answeredAt).toString());
            answer.put("ms", c.answeredAt - c.sentAt);
        }
        return r;
    }

    private static final class Attempt {
        final int number;
        final long at;
        final List<Call> calls = new ArrayList<>(1);
        String failure;
        long retryInMs;

        Attempt(int number, long at) {
            this.number = number;
            this.at = at;
        }
    }
}
