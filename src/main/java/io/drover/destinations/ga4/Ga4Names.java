package io.drover.destinations.ga4;

import java.text.Normalizer;
import java.util.List;
import java.util.Set;

/**
 * GA4's naming rules (Measurement Protocol reference, "Reserved names"; sending-events guide, "Limitations"): event
 * and parameter names of at most 40 characters, letters, digits and underscores only, starting with a letter; user
 * property names of at most 24; some names and prefixes reserved.
 */
final class Ga4Names {

    static final int NAME_MAX = 40;
    static final int USER_PROPERTY_NAME_MAX = 24;

    /** Reserved event names of the Measurement Protocol reference. */
    static final Set<String> RESERVED_EVENTS = Set.of(
            "ad_activeview", "ad_click", "ad_exposure", "ad_query", "ad_reward", "adunit_exposure", "app_clear_data",
            "app_exception", "app_install", "app_remove", "app_store_refund", "app_update", "app_upgrade",
            "dynamic_link_app_open", "dynamic_link_app_update", "dynamic_link_first_open", "error", "firebase_campaign",
            "firebase_in_app_message_action", "firebase_in_app_message_dismiss", "firebase_in_app_message_impression",
            "first_open", "first_visit", "notification_dismiss", "notification_foreground", "notification_open",
            "notification_receive", "notification_send", "os_update", "session_start", "user_engagement",
            // only allowed for App streams; this module sends to a web stream
            "ad_impression", "in_app_purchase", "screen_view");

    /** Prefixes reserved for parameter and user property names (and, by Google's naming rules, event names). */
    static final List<String> RESERVED_PREFIXES = List.of("_", "firebase_", "ga_", "google_", "gtag.");

    static final Set<String> RESERVED_PARAMS = Set.of("firebase_conversion");

    static final Set<String> RESERVED_USER_PROPERTIES = Set.of("first_open_time", "first_visit_time",
            "last_deep_link_referrer", "user_id", "first_open_after_install");

    private Ga4Names() {
    }

    /**
     * A Segment name in GA4's form: lower-case ASCII letters and digits, every run of anything else one underscore,
     * accents dropped ("Crème Brûlée Ordered" → "creme_brulee_ordered"), no leading or trailing underscore, at most
     * {@code max} characters. Empty when nothing is left.
     */
    static String snakeCase(String raw, int max) {
        String s = raw;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                s = Normalizer.normalize(s, Normalizer.Form.NFD);
                break;
            }
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                b.append((char) (c + 32));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                b.append(c);
            } else if (Character.getType(c) == Character.NON_SPACING_MARK) {
                // an accent split off by NFD: dropped, the letter stays
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
                b.append('_');
            }
        }
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == '_') {
            end--;
        }
        return b.substring(0, end);
    }

    /** Why GA4 would refuse this (already converted) event name; {@code null} when it is usable. */
    static String eventNameProblem(String name) {
        if (name.isEmpty()) {
            return "no letters or digits left in the event name";
        }
        if (!isAsciiLetter(name.charAt(0))) {
            return "GA4 event names must start with a letter: '" + name + "'";
        }
        if (RESERVED_EVENTS.contains(name)) {
            return "'" + name + "' is a reserved GA4 event name";
        }
        String prefix = reservedPrefix(name);
        if (prefix != null) {
            return "'" + name + "' starts with the reserved GA4 prefix '" + prefix + "'";
        }
        return null;
    }

    /** Whether a name may be used as is for a parameter: valid characters, a letter first, not reserved. */
    static boolean isValidParam(String name) {
        return isValidName(name, NAME_MAX) && !RESERVED_PARAMS.contains(name) && reservedPrefix(name) == null;
    }

    /** Whether a name may be used as is for a user property. */
    static boolean isValidUserProperty(String name) {
        return isValidName(name, USER_PROPERTY_NAME_MAX) && !RESERVED_USER_PROPERTIES.contains(name)
                && reservedPrefix(name) == null;
    }

    /** A property key as a parameter name: as it is when valid, else converted; {@code null} when unusable. */
    static String paramName(String key) {
        if (isValidParam(key)) {
            return key;
        }
        String converted = snakeCase(key, NAME_MAX);
        return isValidParam(converted) ? converted : null;
    }

    private static boolean isValidName(String name, int max) {
        if (name.isEmpty() || name.length() > max || !isAsciiLetter(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static String reservedPrefix(String name) {
        for (String p : RESERVED_PREFIXES) {
            if (name.startsWith(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
