package io.drover.destinations;

import java.util.Locale;

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
}
