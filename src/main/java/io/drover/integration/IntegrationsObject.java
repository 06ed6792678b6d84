package io.drover.integration;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads Segment's {@code integrations} object for one destination: {@code All} (default true) sets the default, and
 * an explicit entry for the destination overrides it: {@code false} disables, {@code true} or an object (options for
 * the destination) enables.
 *
 * <p>Names match exactly, case included: Segment's documentation says "Destination flags are case sensitive and match
 * the Destination's name in the docs" (https://segment.com/docs/connections/destination-data-control/, file
 * src/connections/destination-data-control.md of segmentio/segment-docs). An integration may answer to several names
 * (GA4: "Google Analytics 4", "GA4"); if any of them is {@code false}, the event is not sent.
 */
final class IntegrationsObject {

    private final List<String> names;

    IntegrationsObject(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** Why the event's integrations object turns this destination off; {@code null} when it does not. */
    String refusal(JsonNode event) {
        JsonNode integrations = event.get("integrations");
        if (integrations == null || !integrations.isObject()) {
            return null;
        }
        boolean enabled = false;
        for (String name : names) {
            JsonNode flag = integrations.get(name);
            if (flag == null || flag.isNull()) {
                continue;
            }
            if (flag.isBoolean() && !flag.booleanValue()) {
                return "integrations object: '" + name + "' is false";
            }
            enabled |= flag.isBoolean() || flag.isObject();
        }
        JsonNode all = integrations.get("All");
        if (!enabled && all != null && all.isBoolean() && !all.booleanValue()) {
            return "integrations object: All is false and " + notEnabled();
        }
        return null;
    }

    private String notEnabled() {
        return names.size() == 1 ? "'" + names.get(0) + "' is not enabled" : "none of '" + String.join("', '", names) + "' is enabled";
    }
}
