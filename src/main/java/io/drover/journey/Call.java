package io.drover.journey;

import java.util.Map;

/**
 * One vendor call as a journey shows it: what was sent (kept as built; masked and clipped when read) and what the
 * vendor answered. Shared by the journeys of every event the call carried, so a request of 100 events is kept once.
 * Written by the integration's thread, read by the admin API's: the answer's fields are volatile.
 */
final class Call {

    final long sentAt;
    final String method;
    final String url;
    final Map<String, String> headers;
    /** Clipped to the recorder's body limit when recorded; {@link #bodyBytes} is the whole body's length. */
    final String body;
    final int bodyChars;
    final int events;
    volatile int status = -1;
    volatile String response;
    volatile long answeredAt;

    Call(long sentAt, String method, String url, Map<String, String> headers, String body, int limit, int events) {
        this.sentAt = sentAt;
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.bodyChars = body == null ? 0 : body.length();
        this.body = Clip.of(body, limit);
        this.events = events;
    }

    void answered(int status, String response, int limit, long at) {
        this.response = Clip.of(response, limit);
        this.answeredAt = at;
        this.status = status;
    }
}
