package io.drover.playbook;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.apache.camel.CamelContext;

/**
 * Moves one value into the vendor event: read it (a path, a constant or an expression), run the transforms, fall
 * back to the default, write it at {@code outputKey}.
 *
 * <p>With {@code []} on both sides the value moves element by element; when the input has more {@code []} than the
 * output, the extra levels are gathered into one array (missing values left out), e.g.
 * {@code properties.products[].sku -> content_ids}. Transforms and the default apply to each value written.
 *
 * <p>Missing or null input: the default if there is one, else nothing is written. A transform that fails: the
 * default if there is one, else the event fails with a reason naming this mapping.
 */
final class Mapping implements Step {

    /** Where a mapping's value comes from. */
    interface Source {
        /** The shaped value (see {@link FieldPath}); {@code null} when missing. */
        Object read(ObjectNode event);
    }

    private final String label;
    private final Source source;
    private final int sourceDepth;
    private final FieldPath output;
    private final List<Transforms.Named> transforms;
    private final JsonNode fallback;
    /** {@code outputKey: user.userIds[+]}: each value is added to the array there instead of replacing it. */
    private final boolean append;

    private Mapping(String label, Source source, int sourceDepth, FieldPath output, List<Transforms.Named> transforms,
            JsonNode fallback, boolean append) {
        this.append = append;
        this.label = label;
        this.source = source;
        this.sourceDepth = sourceDepth;
        this.output = output;
        this.transforms = transforms;
        this.fallback = fallback;
    }

    /** {@code {inputKey | value, outputKey, transforms, default}}. */
    static Mapping fromMapping(YamlNode node) {
        Map<String, YamlNode> keys = node.object("inputKey", "value", "outputKey", "transforms", "default");
        YamlNode in = exactlyOne(node, keys, "inputKey", "value");
        if (in == keys.get("value")) {
            return constant(node, keys);
        }
        FieldPath path = FieldPath.parse(in.name(), in.where());
        return build(node, keys, path.toString(), path::read, path.eachCount());
    }

    /** {@code {outputKey, simple | jsonpath, transforms, default}}. */
    static Mapping fromExpression(YamlNode node, CamelContext context) {
        Map<String, YamlNode> keys = node.object("outputKey", "simple", "jsonpath", "transforms", "default");
        YamlNode in = exactlyOne(node, keys, "simple", "jsonpath");
        String language = in == keys.get("simple") ? "simple" : "jsonpath";
        return build(node, keys, language, new ExpressionSource(language, in, context), 0);
    }

    /** A constant: a mapping's or an enrichment's {@code value}. */
    static Mapping constant(YamlNode node, Map<String, YamlNode> keys) {
        JsonNode constant = keys.get("value").json();
        return build(node, keys, "value", v -> constant, 0);
    }

    private static Mapping build(YamlNode node, Map<String, YamlNode> keys, String from, Source source, int depth) {
        boolean append = keys.containsKey("outputKey") && keys.get("outputKey").name().endsWith(APPEND);
        FieldPath out = append ? appendKey(node, keys) : outputKey(node, keys);
        if (out.eachCount() > depth) {
            throw keys.get("outputKey").where().error("outputKey has " + out.eachCount() + " [] but the input has "
                    + depth + ": each [] of the output needs one in the input");
        }
        List<Transforms.Named> transforms = Transforms.compile(keys.get("transforms"));
        JsonNode fallback = keys.containsKey("default") ? typedDefault(keys.get("default")) : null;
        String label = node.where().path() + " (" + from + " -> " + out + (append ? APPEND : "") + ")";
        return new Mapping(label, source, depth, out, transforms, fallback, append);
    }

    static final String APPEND = "[+]";

    /**
     * {@code a.b[+]}: the array at {@code a.b} gets each value added (several mappings build one list, e.g.
     * LinkedIn's {@code userIds} from the email and the click id); a missing value adds nothing. No {@code []} before it.
     */
    private static FieldPath appendKey(YamlNode node, Map<String, YamlNode> keys) {
        YamlNode out = keys.get("outputKey");
        String text = out.name().substring(0, out.name().length() - APPEND.length());
        FieldPath path = FieldPath.parse(text, out.where());
        if (!path.startsWithName() || path.eachCount() > 0) {
            throw out.where().error("an outputKey that ends in [+] is a path to an array, with a name first and no []"
                    + " before the [+]");
        }
        return path;
    }

    static FieldPath outputKey(YamlNode node, Map<String, YamlNode> keys) {
        YamlNode out = keys.get("outputKey");
        if (out == null) {
            throw node.where().error("'outputKey' is required");
        }
        FieldPath path = FieldPath.parse(out.name(), out.where());
        if (!path.startsWithName()) {
            throw out.where().error("an outputKey starts with a name (the vendor event is an object)");
        }
        return path;
    }

    static YamlNode exactlyOne(YamlNode node, Map<String, YamlNode> keys, String a, String b) {
        if (keys.containsKey(a) == keys.containsKey(b)) {
            throw node.where().error("needs either '" + a + "' or '" + b + "' (one of them)");
        }
        return keys.containsKey(a) ? keys.get(a) : keys.get(b);
    }

    /**
     * {@code default: 0} takes the YAML value as it is; {@code default: {type: float, value: 0}} says the type:
     * string, integer, float, boolean or null ({@code {type: null}}).
     */
    static JsonNode typedDefault(YamlNode node) {
        if (!node.isMap()) {
            return node.json();
        }
        Map<String, YamlNode> keys = node.object("type", "value");
        if (!keys.containsKey("type")) {
            throw node.where().error("'type' is required (string, integer, float, boolean or null)");
        }
        YamlNode typeNode = keys.get("type");
        String type = typeNode.isNull() ? "null" : typeNode.text();
        YamlNode value = keys.get("value");
        if (type.equals("null")) {
            if (value != null) {
                throw node.where().error("a null default has no value");
            }
            return NullNode.getInstance();
        }
        if (value == null || value.isNull()) {
            throw node.where().error("'value' is required for a " + type + " default");
        }
        JsonNode json = value.json();
        BigDecimal number = Scalars.number(json);
        switch (type) {
            case "string" -> {
                return TextNode.valueOf(value.text());
            }
            case "integer" -> {
                if (number == null || number.stripTrailingZeros().scale() > 0) {
                    throw value.where().error("not a whole number: " + value.kind());
                }
                return LongNode.valueOf(number.longValue());
            }
            case "float" -> {
                if (number == null) {
                    throw value.where().error("not a number: " + value.kind());
                }
                return DoubleNode.valueOf(number.doubleValue());
            }
            case "boolean" -> {
                String text = value.text();
                if (!text.equals("true") && !text.equals("false")) {
                    throw value.where().error("not true or false: " + value.kind());
                }
                return BooleanNode.valueOf(Boolean.parseBoolean(text));
            }
            default -> throw typeNode.where().error("unknown type '" + type + "' (expected string, integer, float, boolean or null)");
        }
    }

    @Override
    public void apply(ObjectNode event, ObjectNode out) {
        Object value = finish(gather(source.read(event), output.eachCount()), output.eachCount());
        if (!append) {
            output.write(out, value);
        } else if (value != null) {
            Object there = output.read(out);
            if (there instanceof ArrayNode list) {
                list.add(((JsonNode) value).deepCopy()); // never share the event's nodes
            } else if (there == null || there instanceof NullNode) {
                output.write(out, JsonNodeFactory.instance.arrayNode().add((JsonNode) value));
            } else {
                throw new Step.Failure(label + ": the outputKey holds " + FieldPath.describe((JsonNode) there)
                        + ", not an array to add to", null);
            }
        }
    }

    @Override
    public String label() {
        return label;
    }

    /** Keeps {@code keep} levels of lists; the levels below them become one flat array of the present values. */
    private Object gather(Object shaped, int keep) {
        if (shaped == null || sourceDepth == keep) {
            return shaped;
        }
        List<?> items = (List<?>) shaped;
        if (keep > 0) {
            List<Object> kept = new ArrayList<>(items.size());
            for (Object item : items) {
                kept.add(gather(item, keep - 1));
            }
            return kept;
        }
        ArrayNode flat = JsonNodeFactory.instance.arrayNode();
        flatten(items, flat);
        return flat;
    }

    private static void flatten(Object shaped, ArrayNode into) {
        if (shaped instanceof List<?> items) {
            for (Object item : items) {
                flatten(item, into);
            }
        } else if (shaped != null) {
            into.add((JsonNode) shaped);
        }
    }

    /** Transforms (or defaults) each value at depth {@code depth}. */
    private Object finish(Object shaped, int depth) {
        if (depth == 0) {
            return transform((JsonNode) shaped);
        }
        if (shaped == null) {
            return null;
        }
        List<?> items = (List<?>) shaped;
        List<Object> done = new ArrayList<>(items.size());
        for (Object item : items) {
            done.add(finish(item, depth - 1));
        }
        return done;
    }

    private JsonNode transform(JsonNode value) {
        if (value == null || value.isNull()) {
            return fallback;
        }
        for (Transforms.Named t : transforms) {
            try {
                value = t.transform().apply(value);
            } catch (Transform.Failure e) {
                if (fallback != null) {
                    return fallback;
                }
                throw new Step.Failure(t.label() + ": " + e.getMessage(), null);
            }
            if (value == null) {
                return fallback;
            }
        }
        return value;
    }
}
