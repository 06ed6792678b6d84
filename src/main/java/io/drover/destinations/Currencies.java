package io.drover.destinations;

import java.util.Locale;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code defaultCurrency} setting of the modules that send values (Meta, TikTok, GA4): the one currency of a shop
 * that sells in one, used for a value that comes without its currency. Drover never assumes one: without the setting,
 * such a value is not sent (and counted as {@code drover_integration_omitted_total{reason="no_currency"}}).
 */
public final class Currencies {

    private Currencies() {
    }

    /** The setting as an ISO 4217 code (upper-cased), or null when empty; anything but three letters is refused. */
    public static String setting(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String code = value.trim().toUpperCase(Locale.ROOT);
        if (!code.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("defaultCurrency must be an ISO 4217 code such as EUR, got '" + value + "'");
        }
        return code;
    }

    /**
     * Puts {@code value} (the first of {@code fields} that is a number) and its {@code currency}: the event's, else the
     * module's default currency. Without either no value is sent (a value in an unknown currency would be counted as
     * the wrong money) and {@code omitted} is told ({@code no_currency}). True when a value and currency were put.
     */
    public static boolean putValue(ObjectNode out, JsonNode properties, String defaultCurrency, Consumer<String> omitted,
                                   String... fields) {
        for (String f : fields) {
            JsonNode v = SegmentFields.number(properties.get(f));
            if (v != null) {
                String currency = SegmentFields.text(properties, "currency");
                if (currency == null) {
                    currency = defaultCurrency;
                }
                if (currency == null) {
                    omitted.accept("no_currency");
                    return false;
                }
                out.set("value", v);
                out.put("currency", currency.trim().toUpperCase(Locale.ROOT));
                return true;
            }
        }
        return false;
    }
}
