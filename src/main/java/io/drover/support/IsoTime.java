package io.drover.support;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ISO-8601 times as events carry them: read with or without an offset (none means UTC), written in UTC with ms. */
public final class IsoTime {

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IsoTime() {
    }

    /** The instant of a date-time with or without offset, or null when the text is not one. */
    public static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** {@code 2026-11-28T10:00:00.000Z}: always UTC, always three digits of milliseconds. */
    public static String format(Instant instant) {
        return MILLIS.format(instant);
    }
}
