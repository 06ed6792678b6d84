package io.drover.integration;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The consent categories an integration needs (e.g. {@code advertising}), checked against what the event says:
 * <ul>
 * <li>Segment: {@code context.consent.categoryPreferences}, e.g. {@code {"Advertising": true, "Analytics": false}}
 *     (https://www.twilio.com/docs/segment/privacy/consent-management/consent-in-unify);</li>
 * <li>MetaRouter: {@code context.consent.optOut}, e.g. {@code {"advertising": "false"}} where {@code true} means the
 *     user opted out of that category (https://docs.metarouter.io/docs/compliance-module). Its {@code explicit} flag is
 *     not used.</li>
 * </ul>
 * A category is granted when a source grants it and none refuses it; values may be booleans or the strings
 * "true"/"false". Names compare case-insensitively (CMPs spell "Advertising", "advertising", "ADVERTISING").
 * Unlike Segment, which lets events without a consent object through, an event without consent information never
 * reaches an integration that requires consent: no answer is not a yes.
 */
final class ConsentCheck {

    /** Lower case, sorted: the first missing category named is always the same one. */
    private final List<String> required;

    ConsentCheck(Set<String> required) {
        Set<String> lower = new TreeSet<>();
        for (String category : required) {
            lower.add(category.toLowerCase(Locale.ROOT));
        }
        this.required = List.copyOf(lower);
    }

    /** Why the event may not go to this integration; {@code null} when every required category is granted. */
    String refusal(JsonNode event) {
        if (required.isEmpty()) {
            return null;
        }
        JsonNode consent = event.path("context").path("consent");
        JsonNode preferences = consent.path("categoryPreferences");
        JsonNode optOut = consent.path("optOut");
        if (!preferences.isObject() && !optOut.isObject()) {
            return "the event carries no consent information";
        }
        Set<String> granted = new HashSet<>();
        Set<String> refused = new HashSet<>();
        read(preferences, granted, refused, false);
        read(optOut, granted, refused, true);
        for (String category : required) {
            if (refused.contains(category)) {
                return "consent for '" + category + "' is refused";
            }
            if (!granted.contains(category)) {
                return "no consent given for '" + category + "'";
            }
        }
        return null;
    }

    /** Sorts a consent object's categories into granted and refused; an opt-out object says the opposite. */
    private static void read(JsonNode categories, Set<String> granted, Set<String> refused, boolean isOptOut) {
        if (!categories.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : categories.properties()) {
            Boolean value = bool(field.getValue());
            if (value != null) {
                (value != isOptOut ? granted : refused).add(field.getKey().toLowerCase(Locale.ROOT));
            }
        }
    }

    private static Boolean bool(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().strip();
            if (text.equalsIgnoreCase("true")) {
                return true;
            }
            if (text.equalsIgnoreCase("false")) {
                return false;
            }
        }
        return null;
    }
}
