package io.drover.kits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.drover.support.IsoTime;

/**
 * Date-time layouts as MetaRouter writes them: Go's reference-time layouts ({@code 2006-01-02T15:04:05Z07:00}), as
 * used by {@code toDateTime} and {@code TO_DATE_TIME}. Parsing an RFC 3339 layout takes any fraction of seconds and
 * any offset, as Go's does; formatting is in UTC, where Go's {@code Z07:00} prints {@code Z}.
 */
final class GoTime {

    static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
    private static final Map<String, DateTimeFormatter> FORMATS = new ConcurrentHashMap<>();

    private GoTime() {
    }

    /**
     * An RFC 3339 / ISO-8601 date-time (fraction and offset optional, no offset: UTC; surrounding blanks ignored);
     * null if it is not one. Read as ingestion reads event times ({@link io.drover.support.IsoTime}).
     */
    static Instant parseRfc3339(String text) {
        return text == null ? null : IsoTime.parse(text.trim());
    }

    static Instant parse(String text, String layout) {
        if (layout == null || layout.equals(RFC3339) || layout.startsWith("2006-01-02T15:04:05")) {
            Instant i = parseRfc3339(text);
            if (i != null || layout == null || layout.equals(RFC3339)) {
                return i;
            }
        }
        try {
            var parsed = formatter(layout).parse(text.trim());
            if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                return OffsetDateTime.from(parsed).toInstant();
            }
            return java.time.LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Formats in UTC; the RFC 3339 default keeps the fraction of seconds when there is one (Go's RFC3339Nano). */
    static String format(Instant instant, String layout) {
        return format(instant, layout, ZoneOffset.UTC);
    }

    /** Formats at a fixed offset (Go's time.FixedZone); in UTC, Go's Z07:00 prints Z. */
    static String format(Instant instant, String layout, ZoneOffset offset) {
        OffsetDateTime t = instant.atOffset(offset);
        if (layout == null) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t).replace("+00:00", "Z");
        }
        return formatter(layout).format(t);
    }

    static DateTimeFormatter formatter(String layout) {
        return FORMATS.computeIfAbsent(layout, GoTime::build);
    }

    /** Go's layout elements, longest first where one is the prefix of another. */
    private static final String[][] ELEMENTS = {
        {"2006", "yyyy"}, {"January", "MMMM"}, {"Jan", "MMM"}, {"Monday", "EEEE"}, {"Mon", "EEE"},
        {"01", "MM"}, {"02", "dd"}, {"_2", "ppd"}, {"15", "HH"}, {"03", "hh"}, {"04", "mm"}, {"05", "ss"},
        {"06", "yy"}, {"PM", "a"}, {"MST", "z"},
        {".000000000", ".SSSSSSSSS"}, {".000000", ".SSSSSS"}, {".000", ".SSS"},
        {"Z07:00", "XXX"}, {"-07:00", "xxx"}, {"Z0700", "XX"}, {"-0700", "xx"}, {"-07", "x"},
        {"1", "M"}, {"2", "d"}, {"3", "h"}, {"4", "m"}, {"5", "s"},
    };

    private static DateTimeFormatter build(String layout) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        outer:
        while (i < layout.length()) {
            for (String[] e : ELEMENTS) {
                if (layout.startsWith(e[0], i)) {
                    if (literal.length() > 0) {
                        b.appendLiteral(literal.toString());
                        literal.setLength(0);
                    }
                    b.appendPattern(e[1]);
                    i += e[0].length();
                    continue outer;
                }
            }
            literal.append(layout.charAt(i++));
        }
        if (literal.length() > 0) {
            b.appendLiteral(literal.toString());
        }
        return b.toFormatter(java.util.Locale.ROOT);
    }
}
