package io.drover.destinations;

import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code user_data} as the conversions APIs that take each personal value normalised, SHA-256 hashed and in an array
 * (Pinterest, Snapchat) read it: {@code em}, {@code ph}, {@code fn}, {@code ln}, {@code ct}, {@code st}, {@code zp},
 * {@code country}, {@code external_id} (the userId), then the IP address and user agent as they are. Where their rules
 * differ (names, postal codes) the vendor says how; each adds its own click and browser ids after these.
 */
public final class MatchKeys {

    private MatchKeys() {
    }

    /**
     * @param name       the vendor's rule for first and last names
     * @param postalCode the vendor's rule for postal codes
     */
    public static ObjectNode userData(JsonNode event, UnaryOperator<String> name, UnaryOperator<String> postalCode) {
        JsonNode traits = SegmentFields.traits(event);
        JsonNode address = SegmentFields.address(traits);
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        Hashing.addHashed(u, "em", SegmentFields.text(traits, "email"), Hashing::email);
        Hashing.addHashed(u, "ph", SegmentFields.text(traits, "phone"), Hashing::phoneDigits);
        Hashing.addHashed(u, "fn", SegmentFields.text(traits, "firstName"), name);
        Hashing.addHashed(u, "ln", SegmentFields.text(traits, "lastName"), name);
        Hashing.addHashed(u, "ct", SegmentFields.text(address, "city"), Hashing::lettersOnly);
        Hashing.addHashed(u, "st", SegmentFields.text(address, "state"), Hashing::compact);
        Hashing.addHashed(u, "zp", SegmentFields.text(address, "postalCode"), postalCode);
        Hashing.addHashed(u, "country", SegmentFields.text(address, "country"), Hashing::compact);
        Hashing.addHashed(u, "external_id", SegmentFields.text(event, "userId"), Hashing::trimmed);
        JsonNode context = event.path("context");
        // Never hashed: matched as they are.
        putText(u, "client_ip_address", SegmentFields.text(context, "ip"));
        putText(u, "client_user_agent", SegmentFields.text(context, "userAgent"));
        return u;
    }

    /** Puts a text value when there is one. */
    public static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
