package io.drover.destinations;

import java.time.Instant;
import java.time.LocalDate;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.support.IsoTime;

/**
 * An event's time in seconds since the epoch, for vendors that take {@code event_time} in seconds (Meta, TikTok):
 * from {@code timestamp}, else {@code originalTimestamp}, else {@code receivedAt}. Drover's own form
 * ({@code 2026-11-28T10:00:00.000Z}) is read without a formatter (it is on every event's path); anything else goes
 * through {@link IsoTime}.
 */
public final class EventTimes {

    private static final String[] FIELDS = {"timestamp", "originalTimestamp", "receivedAt"};

    private EventTimes() {
    }

    /** Seconds since the epoch, or -1 when the event carries no readable time. */
    public static long epochSeconds(JsonNode event) {
        for (String field : FIELDS) {
            JsonNode v = event.get(field);
            if (v != null && v.isTextual()) {
                long s = epochSeconds(v.asText());
                if (s >= 0) {
                    return s;
                }
            }
        }
        return -1;
    }

    /** Seconds since the epoch of an ISO-8601 date-time, or -1 when it is not one (or before 1970). */
    public static long epochSeconds(String text) {
        int n = text.length();
        if ((n == 20 || (n == 24 && text.charAt(19) == '.')) && text.charAt(n - 1) == 'Z' && text.charAt(4) == '-'
                && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':') {
            int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
            int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
            if (year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60
                    && second < 60) {
                try {
                    return LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
                } catch (java.time.DateTimeException e) {
                    return -1;
                }
            }
        }
        Instant at = IsoTime.parse(text);
        return at == null || at.getEpochSecond() < 0 ? -1 : at.getEpochSecond();
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
