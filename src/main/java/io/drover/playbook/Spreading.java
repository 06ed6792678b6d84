package io.drover.playbook;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Copies an object's keys (or an array's elements, as keys {@code 0}, {@code 1}, ...) into a target object:
 * {@code {inputKey: properties, outputKey: custom_data, prefix: "p_", exclude: [products]}}. One level by default;
 * with a {@code separator}, nested objects and arrays are flattened all the way ({@code item_0_sku}). Keys the output
 * already has are kept: an explicit mapping wins over a bulk copy. Null values are skipped; a missing or scalar input
 * spreads nothing.
 */
final class Spreading implements Step {

    private final String label;
    private final FieldPath input;
    private final FieldPath output;
    private final String prefix;
    private final Set<String> exclude;
    private final String separator;

    private Spreading(String label, FieldPath input, FieldPath output, String prefix, Set<String> exclude, String separator) {
        this.label = label;
        this.input = input;
        this.output = output;
        this.prefix = prefix;
        this.exclude = exclude;
        this.separator = separator;
    }

    static Spreading compile(YamlNode node) {
        Map<String, YamlNode> keys = node.object("inputKey", "outputKey", "prefix", "exclude", "separator");
        if (!keys.containsKey("inputKey")) {
            throw node.where().error("'inputKey' is required (the object or array to spread)");
        }
        FieldPath input = FieldPath.parse(keys.get("inputKey").name(), keys.get("inputKey").where());
        FieldPath output = keys.containsKey("outputKey") ? Mapping.outputKey(node, keys) : null;
        if (input.eachCount() > 0 || (output != null && output.eachCount() > 0)) {
            throw node.where().error("a spreading works on one object: no [] in its paths");
        }
        Set<String> exclude = new HashSet<>();
        if (keys.containsKey("exclude")) {
            for (YamlNode name : keys.get("exclude").list()) {
                exclude.add(name.name());
            }
        }
        String prefix = keys.containsKey("prefix") ? keys.get("prefix").text() : "";
        String separator = keys.containsKey("separator") ? keys.get("separator").text() : null;
        String label = node.where().path() + " (" + input + " -> " + (output == null ? "the event" : output) + ")";
        return new Spreading(label, input, output, prefix, Set.copyOf(exclude), separator);
    }

    @Override
    public void apply(ObjectNode event, ObjectNode out) {
        JsonNode value = (JsonNode) input.read(event);
        if (value == null || !value.isContainerNode() || value.isEmpty()) {
            return;
        }
        spread(value, prefix, true, output == null ? out : output.objectAt(out));
    }

    @Override
    public String label() {
        return label;
    }

    private void spread(JsonNode container, String keyPrefix, boolean top, ObjectNode target) {
        if (container.isArray()) {
            for (int i = 0; i < container.size(); i++) {
                put(container.get(i), keyPrefix + i, target);
            }
            return;
        }
        for (Map.Entry<String, JsonNode> field : container.properties()) {
            if (!(top && exclude.contains(field.getKey()))) {
                put(field.getValue(), keyPrefix + field.getKey(), target);
            }
        }
    }

    private void put(JsonNode value, String key, ObjectNode target) {
        if (value.isNull()) {
            return;
        }
        if (separator != null && value.isContainerNode() && !value.isEmpty()) {
            spread(value, key + separator, false, target);
        } else if (!target.has(key)) {
            target.set(key, value.deepCopy());
        }
    }
}
