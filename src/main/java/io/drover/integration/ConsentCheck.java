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
 * An event without any consent information goes through unchecked, as Segment does ("events without the consent
 * object continue to flow to destinations without consent enforcement"): a site without a consent tool keeps working.
 * With {@code drover.consent.required=true} (strict, for sites that must prove consent) such an event does not reach
 * an integration that requires consent: no answer is not a yes. Once an event carries consent, every category the
 * integration needs must be granted.
 */
public final class ConsentCheck {

    /** Lower case, sorted: the first missing category named is always the same one. */
    private final List<String> required;
    private final boolean strict;

    ConsentCheck(Set<String> required, boolean strict) {
        this.strict = strict;
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
            return strict ? "the event carries no consent information (drover.consent.required=true)" : null;
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

    /**
     * Whether the event's consent refuses this category outright (Segment's false, or MetaRouter's opt-out), read as
     * {@link #refusal} reads it; no consent information is not a refusal. For the identity store's opt-outs.
     */
    public static boolean refuses(JsonNode event, String category) {
        JsonNode consent = event.path("context").path("consent");
        Set<String> granted = new HashSet<>();
        Set<String> refused = new HashSet<>();
        read(consent.path("categoryPreferences"), granted, refused, false);
        read(consent.path("optOut"), granted, refused, true);
        return refused.contains(category.toLowerCase(Locale.ROOT));
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
