package io.drover.playbook;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.drover.support.IsoTime;

/**
 * The timestamp enrichment: {@code {outputKey: event_time, timestamp: {unit: s, from: timestamp}}}. Units: {@code s},
 * {@code ms}, {@code us} (epoch numbers, rounded down) and {@code iso} (UTC, milliseconds, as Drover stores
 * timestamps). Without {@code from}, the time of the transformation. A missing {@code from} value writes nothing; one
 * that is not an ISO-8601 date-time fails the event.
 */
final class Timestamp implements Step {

    private enum Unit { S, MS, US, ISO }

    private final String label;
    private final FieldPath from;
    private final Unit unit;
    private final FieldPath output;

    private Timestamp(String label, FieldPath from, Unit unit, FieldPath output) {
        this.label = label;
        this.from = from;
        this.unit = unit;
        this.output = output;
    }

    static Timestamp compile(YamlNode node, Map<String, YamlNode> keys) {
        FieldPath output = Mapping.outputKey(node, keys);
        YamlNode spec = keys.get("timestamp");
        Map<String, YamlNode> options = spec.object("unit", "from");
        if (!options.containsKey("unit")) {
            throw spec.where().error("'unit' is required (s, ms, us or iso)");
        }
        Unit unit = switch (options.get("unit").text()) {
            case "s" -> Unit.S;
            case "ms" -> Unit.MS;
            case "us", "µs" -> Unit.US;
            case "iso" -> Unit.ISO;
            default -> throw options.get("unit").where().error("unknown unit '" + options.get("unit").text()
                    + "' (expected s, ms, us or iso)");
        };
        FieldPath from = null;
        if (options.containsKey("from")) {
            from = FieldPath.parse(options.get("from").name(), options.get("from").where());
            if (from.eachCount() > 0) {
                throw options.get("from").where().error("a timestamp comes from one value: no [] here");
            }
        }
        if (output.eachCount() > 0) {
            throw keys.get("outputKey").where().error("an enrichment writes one value: no [] here");
        }
        String label = node.where().path() + " (" + (from == null ? "now" : from) + " -> " + output + ")";
        return new Timestamp(label, from, unit, output);
    }

    @Override
    public void apply(ObjectNode event, ObjectNode out) {
        Instant instant;
        if (from == null) {
            instant = Instant.now();
        } else {
            JsonNode value = (JsonNode) from.read(event);
            if (value == null) {
                return;
            }
            instant = parse(value);
        }
        JsonNode formatted = switch (unit) {
            case S -> LongNode.valueOf(instant.getEpochSecond());
            case MS -> LongNode.valueOf(instant.toEpochMilli());
            case US -> LongNode.valueOf(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                    instant.getNano() / 1_000));
            case ISO -> TextNode.valueOf(IsoTime.format(instant));
        };
        output.write(out, formatted);
    }

    @Override
    public String label() {
        return label;
    }

    private static Instant parse(JsonNode value) {
        Instant instant = value.isTextual() ? IsoTime.parse(value.textValue()) : null;
        if (instant != null) {
            return instant;
        }
        throw new Step.Failure(FieldPath.describe(value) + " that is not an ISO-8601 date-time", null);
    }
}
