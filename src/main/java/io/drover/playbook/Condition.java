package io.drover.playbook;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One condition on a field: {@code {path: properties.revenue, gt: 0}}. Several operators in one condition must all
 * hold. The positive operators hold when any value at the path (any element, for {@code []}) passes; the negative
 * ones are their exact opposites, so {@code notEquals} and {@code notIn} hold for a missing field.
 */
final class Condition {

    static final List<String> KEYS = List.of("path", "exists", "notExists", "equals", "notEquals", "in", "notIn",
            "matches", "contains", "gt", "gte", "lt", "lte");

    private final List<Predicate<JsonNode>> checks;

    private Condition(List<Predicate<JsonNode>> checks) {
        this.checks = checks;
    }

    boolean test(JsonNode event) {
        for (Predicate<JsonNode> check : checks) {
            if (!check.test(event)) {
                return false;
            }
        }
        return true;
    }

    static Condition compile(YamlNode node) {
        Map<String, YamlNode> keys = node.object(KEYS.toArray(String[]::new));
        YamlNode pathNode = keys.remove("path");
        if (pathNode == null) {
            throw node.where().error("'path' is required (the field to test, e.g. properties.revenue)");
        }
        if (keys.isEmpty()) {
            throw node.where().error("needs an operator: " + YamlNode.oneOf(KEYS.subList(1, KEYS.size())));
        }
        FieldPath path = FieldPath.parse(pathNode.name(), pathNode.where());
        List<Predicate<JsonNode>> checks = new ArrayList<>();
        for (Map.Entry<String, YamlNode> op : keys.entrySet()) {
            checks.add(check(path, op.getKey(), op.getValue()));
        }
        return new Condition(List.copyOf(checks));
    }

    private static Predicate<JsonNode> check(FieldPath path, String op, YamlNode arg) {
        return switch (op) {
            case "exists" -> present(path, arg.bool());
            case "notExists" -> present(path, !arg.bool());
            case "equals" -> any(path, equalTo(scalarKey(arg)));
            case "notEquals" -> any(path, equalTo(scalarKey(arg))).negate();
            case "in" -> any(path, in(arg));
            case "notIn" -> any(path, in(arg)).negate();
            case "matches" -> any(path, matches(arg));
            case "contains" -> any(path, contains(arg));
            case "gt" -> any(path, compared(arg, c -> c > 0));
            case "gte" -> any(path, compared(arg, c -> c >= 0));
            case "lt" -> any(path, compared(arg, c -> c < 0));
            case "lte" -> any(path, compared(arg, c -> c <= 0));
            default -> throw new IllegalStateException(op);
        };
    }

    private static Predicate<JsonNode> present(FieldPath path, boolean wanted) {
        Predicate<JsonNode> exists = event -> path.anyValue(event, v -> true);
        return wanted ? exists : exists.negate();
    }

    private static Predicate<JsonNode> any(FieldPath path, Predicate<JsonNode> valueTest) {
        return event -> path.anyValue(event, valueTest);
    }

    private static Predicate<JsonNode> equalTo(String key) {
        return v -> key.equals(Scalars.key(v));
    }

    private static Predicate<JsonNode> in(YamlNode arg) {
        Set<String> keys = new HashSet<>();
        for (YamlNode item : arg.list()) {
            keys.add(scalarKey(item));
        }
        return v -> {
            String key = Scalars.key(v);
            return key != null && keys.contains(key);
        };
    }

    private static Predicate<JsonNode> matches(YamlNode arg) {
        Pattern pattern = pattern(arg);
        return v -> {
            String text = Scalars.text(v);
            return text != null && pattern.matcher(text).find();
        };
    }

    /** A substring of a text, or an element of an array. */
    private static Predicate<JsonNode> contains(YamlNode arg) {
        String key = scalarKey(arg);
        String part = arg.text();
        return v -> {
            if (v.isArray()) {
                for (JsonNode element : v) {
                    if (key.equals(Scalars.key(element))) {
                        return true;
                    }
                }
                return false;
            }
            return v.isTextual() && v.textValue().contains(part);
        };
    }

    private interface Comparison {
        boolean holds(int comparison);
    }

    private static Predicate<JsonNode> compared(YamlNode arg, Comparison comparison) {
        BigDecimal bound = Scalars.number(arg.json());
        if (bound == null || !arg.json().isNumber()) {
            throw arg.where().error("expected a number, got " + arg.kind());
        }
        return v -> {
            BigDecimal n = Scalars.number(v);
            return n != null && comparison.holds(n.compareTo(bound));
        };
    }

    static Pattern pattern(YamlNode arg) {
        String regex = arg.text();
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw arg.where().error("not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static String scalarKey(YamlNode arg) {
        String key = Scalars.key(arg.json());
        if (key == null) {
            throw arg.where().error("expected text, a number or a boolean, got " + arg.kind());
        }
        return key;
    }
}
