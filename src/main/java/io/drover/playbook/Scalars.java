package io.drover.playbook;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;

/** How conditions and transforms read JSON scalars: as text, as a number, and as an equality key. */
final class Scalars {

    private Scalars() {
    }

    /** Text of a string, number or boolean; {@code null} for objects, arrays and null. */
    static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
        }
        return value.isBoolean() ? value.asText() : null;
    }

    /** A number, or a string that holds one ({@code "12.50"}, as SDKs often send prices); otherwise {@code null}. */
    static BigDecimal number(JsonNode value) {
        if (value.isNumber()) {
            double d = value.doubleValue();
            return value.isFloatingPointNumber() && (Double.isNaN(d) || Double.isInfinite(d)) ? null : value.decimalValue();
        }
        if (value.isTextual()) {
            String s = value.textValue().strip();
            if (s.isEmpty() || s.length() > 100) {
                return null;
            }
            try {
                return new BigDecimal(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A key under which equal scalars are equal: numbers by value (1 equals 1.0), strings exactly (case matters),
     * booleans; a string is never equal to a number. {@code null} for objects, arrays and null.
     */
    static String key(JsonNode value) {
        if (value.isNumber()) {
            BigDecimal n = number(value);
            return n == null ? null : "n:" + n.stripTrailingZeros().toPlainString();
        }
        if (value.isTextual()) {
            return "s:" + value.textValue();
        }
        return value.isBoolean() ? "b:" + value.booleanValue() : null;
    }
}
