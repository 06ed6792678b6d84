package io.drover.destinations.meta;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.Hashing;

import static io.drover.destinations.SegmentFields.text;

/**
 * Meta's {@code user_data}: the customer information parameters, each normalised as Meta's "Customer Information
 * Parameters" page says and then SHA-256 hashed (a value that already is a digest is kept as it is), while the IP,
 * user agent and the browser and click ids ({@code fbp}, {@code fbc}) go unhashed.
 */
final class MetaUserData {

    private MetaUserData() {
    }

    /**
     * Fills {@code user_data} from a Segment event: personal data from {@code traits} (identify) or
     * {@code context.traits}, {@code external_id} from the userId (else the anonymousId), the rest from
     * {@code context}. Returns whether it holds anything at all.
     */
    static boolean fill(ObjectNode userData, JsonNode event) {
        JsonNode context = event.path("context");
        JsonNode traits = "identify".equals(event.path("type").asText()) ? event.path("traits") : context.path("traits");
        JsonNode address = traits.path("address");
        addHashed(userData, "em", email(text(traits, "email")));
        addHashed(userData, "ph", phone(text(traits, "phone")));
        addHashed(userData, "fn", name(text(traits, "firstName")));
        addHashed(userData, "ln", name(text(traits, "lastName")));
        addHashed(userData, "ge", gender(text(traits, "gender")));
        addHashed(userData, "db", birthday(text(traits, "birthday")));
        addHashed(userData, "ct", name(text(address, "city")));
        addHashed(userData, "st", name(text(address, "state")));
        addHashed(userData, "zp", zip(text(address, "postalCode")));
        addHashed(userData, "country", country(text(address, "country")));
        String externalId = text(event, "userId");
        addHashed(userData, "external_id",
                Hashing.hash(externalId != null ? externalId : text(event, "anonymousId"), Hashing::trimmed));
        putText(userData, "client_ip_address", text(context, "ip"));
        putText(userData, "client_user_agent", text(context, "userAgent"));
        JsonNode meta = context.path("providers").path("meta");
        putText(userData, "fbc", text(meta, "fbc"));
        putText(userData, "fbp", text(meta, "fbp"));
        return !userData.isEmpty();
    }

    /** "Trim any leading and trailing spaces. Convert all characters to lowercase." */
    static String email(String raw) {
        return Hashing.hash(raw, Hashing::email);
    }

    /**
     * "Remove symbols, letters, and any leading zeros"; the number must already carry its country code (Meta cannot
     * tell "6505551212" in the US from a number elsewhere): "+1 (650) 555-1212" and "001 650 555 1212" both become
     * 16505551212.
     */
    static String phone(String raw) {
        return Hashing.hash(raw, Hashing::phoneDigits);
    }

    /**
     * First and last names, city and state: "lowercase only with no punctuation", no spaces (city), special characters
     * kept as UTF-8 ("Valéry" → "valéry"); a state is expected as its 2-letter code ("CA" → "ca").
     */
    static String name(String raw) {
        return Hashing.hash(raw, Hashing::lettersOnly);
    }

    /** Lowercase, no spaces or dash; US ZIP+4 cut to its first 5 digits ("94107-1234" → "94107"). */
    static String zip(String raw) {
        return Hashing.hash(raw, r -> {
            String z = Hashing.compact(r);
            return z.length() == 9 && z.chars().allMatch(Character::isDigit) ? z.substring(0, 5) : z;
        });
    }

    /** ISO 3166-1 alpha-2 in lowercase; anything else (a country's name) is left out rather than sent unmatched. */
    static String country(String raw) {
        return Hashing.hash(raw, r -> {
            String c = Hashing.compact(r);
            return c.length() == 2 && Character.isLetter(c.charAt(0)) && Character.isLetter(c.charAt(1)) ? c : null;
        });
    }

    /** "f" or "m". */
    static String gender(String raw) {
        return Hashing.hash(raw, r -> {
            String g = r.trim().toLowerCase(Locale.ROOT);
            return g.equals("f") || g.equals("female") ? "f" : g.equals("m") || g.equals("male") ? "m" : null;
        });
    }

    /** YYYYMMDD, from Segment's ISO date ("1990-04-01" or a full date-time). */
    static String birthday(String raw) {
        return Hashing.hash(raw, r -> {
            String t = r.trim();
            String d = Hashing.digits(t.length() >= 10 ? t.substring(0, 10) : t);
            return d.length() == 8 ? d : null;
        });
    }

    private static void addHashed(ObjectNode userData, String field, String hashed) {
        if (hashed != null) {
            userData.putArray(field).add(hashed);
        }
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
