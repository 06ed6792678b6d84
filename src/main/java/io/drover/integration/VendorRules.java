package io.drover.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.config.Settings;
import io.drover.destinations.EventTimes;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The template's step between selection and the request bean: the vendor's rules that are data, not code. Today its
 * window: an event older than {@code maxAge} (by its {@code timestamp}, else {@code originalTimestamp}, else
 * {@code receivedAt}) is refused alone, before any request is built, so that it never fails the request of the
 * events beside it (Meta refuses a whole request for one event older than 7 days). It is dead-lettered with the
 * reason ("older than Meta's 7 days") and counted as {@code drover_integration_refused_total{reason="too_old"}}.
 * The check runs at every attempt: an event that ages out while its batch is retried is refused then.
 */
public class VendorRules implements Processor {

    /** The metric reason of an event past the vendor's window. */
    public static final String TOO_OLD = "too_old";

    private String vendor = "";
    private String integration = "";
    private Duration maxAge;
    private String window;

    public void setIntegration(String integration) {
        this.integration = integration == null ? "" : integration.trim();
    }

    /** The vendor's name as the reasons give it ("Meta"). */
    public void setVendor(String vendor) {
        this.vendor = vendor == null ? "" : vendor.trim();
    }

    /** How old an event may be when it is sent (a duration: 7d, 72h); empty: no limit. */
    public void setMaxAge(String maxAge) {
        this.maxAge = maxAge == null || maxAge.isBlank() ? null : Settings.parseDuration(maxAge);
        this.window = this.maxAge == null ? null : describe(maxAge);
        if (this.maxAge != null && (this.maxAge.isNegative() || this.maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be more than 0, got '" + maxAge + "'");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        if (maxAge == null) {
            return;
        }
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        BatchState batch = BatchState.of(exchange);
        long oldest = batch.clock().millis() / 1000 - maxAge.toSeconds();
        List<ObjectNode> kept = new ArrayList<>(events.size());
        for (ObjectNode event : events) {
            long seconds = EventTimes.epochSeconds(event);
            if (seconds >= 0 && seconds < oldest) {
                String reason = "older than " + (vendor.isEmpty() ? integration : vendor) + "'s " + window
                        + " (event time " + Instant.ofEpochSecond(seconds) + ")";
                batch.refuse(event, TOO_OLD, reason);
                io.drover.journey.Recorder.of(exchange).refused(event, TOO_OLD, reason);
            } else {
                kept.add(event);
            }
        }
        if (kept.size() < events.size()) {
            exchange.setProperty(SelectEvents.SELECTED, kept.size());
            exchange.getIn().setBody(kept);
        }
    }

    /** The window as the vendor gives it, from the setting: "7d" → "7 days", "72h" → "72 hours". */
    static String describe(String setting) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(
                setting.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            return setting.trim();
        }
        long n = Long.parseLong(m.group(1));
        String unit = switch (m.group(2)) {
            case "ms" -> "millisecond";
            case "s" -> "second";
            case "m" -> "minute";
            case "h" -> "hour";
            default -> "day";
        };
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
