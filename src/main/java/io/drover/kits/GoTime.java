package io.drover.kits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** An RFC 3339 / ISO-8601 date-time (fraction and offset optional, no offset: UTC); null if it is not one. */
    static Instant parseRfc3339(String text) {
        if (text == null) {
            return null;
        }
        Instant fast = parseCommon(text);
        return fast != null ? fast : parseWithJavaTime(text);
    }

    /** What {@link #parseRfc3339} reads, read by java.time's ISO parser (any shape RFC 3339 and ISO-8601 allow). */
    static Instant parseWithJavaTime(String text) {
        try {
            return OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /**
     * The shape every event's timestamp has ({@code 2024-11-28T10:00:00.123Z}, {@code +01:00}), read without
     * java.time's parser (a tenth of a kit's cost per event); null for anything else, which the parser then reads.
     */
    static Instant parseCommon(String s) {
        int len = s.length();
        if (len < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > daysIn(year, month)) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < len && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i++) - '0');
            }
            if (i == start || (i < len && isDigit(s.charAt(i)))) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offset;
        if (i == len - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offset = 0;
        } else if (i == len - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 18 * 60) {
                return null;
            }
            offset = (s.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysIn(int year, int month) {
        return month == 2 ? (java.time.Year.isLeap(year) ? 29 : 28)
                : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** The number of {@code n} ASCII digits at {@code at}; -1 if they are not all digits. */
    private static int digits(String s, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
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
