package io.drover.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.drover.ingest.Json;

/** JSON for tests: parsed as ingestion parses it (decimals stay BigDecimal), compared by value. */
public final class JsonTrees {

    /** Numbers equal by value and kind (integral or not): 2 equals 2 whatever its Java type, but not 2.0. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            boolean same = a.isIntegralNumber() == b.isIntegralNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
            return same ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonTrees() {
    }

    public static ObjectNode object(String json) {
        return (ObjectNode) parse(json);
    }

    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Same JSON value (key order aside); on a difference, the two are shown pretty-printed. */
    public static void assertSameJson(JsonNode actual, String expected) {
        JsonNode wanted = parse(expected);
        if (actual == null || !actual.equals(BY_VALUE, wanted)) {
            assertThat(actual == null ? "null" : actual.toPrettyString()).isEqualTo(wanted.toPrettyString());
            assertThat(actual).as("same text, different number kinds").isEqualTo(wanted);
        }
    }
}
