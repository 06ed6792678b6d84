package io.drover.integration;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which dead letters to list or replay, the same for the admin API, {@code drover dead-letters} and
 * {@code drover replay}: written in {@code [since, until)} (the record's time), the vendor's HTTP {@code status}
 * (codes or classes, comma-separated: {@code 400}, {@code 4xx}, {@code 400,5xx}), and a {@code reason} containing a
 * text (case-insensitive). Every condition given must hold; none given: every letter.
 */
public final class DeadLetterFilter {

    /** The filter's parameter names, as the admin API's query and the commands' options ({@code --since}) name them. */
    public static final List<String> PARAMETERS = List.of("since", "until", "status", "reason");

    /** A parameter with a value that cannot be used; says which, for a 400 or a usage line. */
    public static final class BadParameter extends IllegalArgumentException {
        private final String parameter;

        public BadParameter(String parameter, String message) {
            super(parameter + ": " + message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    private final Instant since;
    private final Instant until;
    /** Each: {exact code} or {class * 100, -1} for "Nxx". */
    private final List<int[]> statuses;
    private final String reason;

    private DeadLetterFilter(Instant since, Instant until, List<int[]> statuses, String reason) {
        this.since = since;
        this.until = until;
        this.statuses = statuses;
        this.reason = reason;
    }

    /** From named values (a query's parameters, a command's options); absent or blank: no condition. */
    public static DeadLetterFilter parse(Function<String, String> values) {
        Instant since = time("since", values.apply("since"));
        Instant until = time("until", values.apply("until"));
        if (since != null && until != null && !until.isAfter(since)) {
            throw new BadParameter("until", "must be after since");
        }
        List<int[]> statuses = new ArrayList<>();
        String status = blankToNull(values.apply("status"));
        if (status != null) {
            for (String s : status.split(",")) {
                String t = s.trim().toLowerCase(Locale.ROOT);
                if (t.matches("[1-5][0-9][0-9]")) {
                    statuses.add(new int[] {Integer.parseInt(t)});
                } else if (t.matches("[1-5]xx")) {
                    statuses.add(new int[] {(t.charAt(0) - '0') * 100, -1});
                } else {
                    throw new BadParameter("status", "'" + s.trim() + "' is not an HTTP status (400) or class (4xx)");
                }
            }
        }
        String reason = blankToNull(values.apply("reason"));
        return new DeadLetterFilter(since, until, List.copyOf(statuses),
                reason == null ? null : reason.toLowerCase(Locale.ROOT));
    }

    private static Instant time(String name, String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, "'" + v + "' is not an ISO-8601 time such as 2026-11-28T10:00:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Where reading may start: letters written before this cannot match ({@code null}: the beginning). */
    Instant since() {
        return since;
    }

    /** Where reading may stop: letters written from this on cannot match ({@code null}: the end). */
    Instant until() {
        return until;
    }

    /** Whether a letter, written at {@code writtenAt} (epoch ms), matches. */
    public boolean matches(long writtenAt, JsonNode letter) {
        if (since != null && writtenAt < since.toEpochMilli()) {
            return false;
        }
        if (until != null && writtenAt >= until.toEpochMilli()) {
            return false;
        }
        if (!statuses.isEmpty()) {
            JsonNode s = letter.get("status");
            int status = s == null ? 0 : s.asInt();
            if (statuses.stream().noneMatch(m -> m.length == 1 ? status == m[0] : status >= m[0] && status < m[0] + 100)) {
                return false;
            }
        }
        if (reason != null) {
            JsonNode r = letter.get("reason");
            return r != null && r.asText().toLowerCase(Locale.ROOT).contains(reason);
        }
        return true;
    }
}
