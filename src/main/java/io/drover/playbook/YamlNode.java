package io.drover.playbook;

import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * One value of a parsed YAML document with its place in it, so that every accessor can fail with a message that
 * names where the problem is. Strict: unknown keys and wrong kinds of values are errors, never silently ignored.
 */
final class YamlNode {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Object value;
    private final Where where;

    YamlNode(Object value, Where where) {
        this.value = value;
        this.where = where;
    }

    /** Parses YAML text; syntax errors keep snakeyaml's line and column. Duplicate keys are errors. */
    static YamlNode load(Reader reader, Where where) {
        LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).build();
        try {
            return new YamlNode(new Load(settings).loadFromReader(reader), where);
        } catch (YamlEngineException e) {
            throw where.error("not valid YAML: " + e.getMessage(), e);
        }
    }

    Where where() {
        return where;
    }

    boolean isNull() {
        return value == null;
    }

    boolean isMap() {
        return value instanceof Map;
    }

    boolean isList() {
        return value instanceof List;
    }

    /** A mapping whose keys must all be among {@code allowed}. */
    Map<String, YamlNode> object(String... allowed) {
        Map<String, YamlNode> entries = entries();
        List<String> known = Arrays.asList(allowed);
        for (String key : entries.keySet()) {
            if (!known.contains(key)) {
                throw where.error("unknown key '" + key + "' (expected " + oneOf(known) + ")");
            }
        }
        return entries;
    }

    /** A mapping with any (text) keys, in document order. */
    Map<String, YamlNode> entries() {
        if (!(value instanceof Map<?, ?> map)) {
            throw where.error("expected a mapping (key: value), got " + kind());
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw where.error("keys must be text, got '" + e.getKey() + "'");
            }
            entries.put(key, new YamlNode(e.getValue(), where.key(key)));
        }
        return entries;
    }

    List<YamlNode> list() {
        if (!(value instanceof List<?> list)) {
            throw where.error("expected a list, got " + kind());
        }
        List<YamlNode> items = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            items.add(new YamlNode(list.get(i), where.index(i)));
        }
        return items;
    }

    /** A scalar as text: {@code 2} and {@code true} are accepted where text is expected (header values, names). */
    String text() {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw where.error("expected text, got " + kind());
    }

    /** Text that is not blank. */
    String name() {
        String text = text();
        if (text.isBlank()) {
            throw where.error("must not be empty");
        }
        return text;
    }

    int integer(int min) {
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() > Integer.MAX_VALUE) {
            throw where.error("expected a whole number, got " + kind());
        }
        int n = ((Number) value).intValue();
        if (n < min) {
            throw where.error("must be at least " + min + ", got " + n);
        }
        return n;
    }

    boolean bool() {
        if (!(value instanceof Boolean b)) {
            throw where.error("expected true or false, got " + kind());
        }
        return b;
    }

    /** The value as a Jackson tree (a YAML null becomes a JSON null). */
    JsonNode json() {
        return JSON.valueToTree(value);
    }

    String kind() {
        if (value == null) {
            return "nothing (null)";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Number) {
            return "a number (" + value + ")";
        }
        if (value instanceof Boolean) {
            return "a boolean (" + value + ")";
        }
        return "text ('" + value + "')";
    }

    static String oneOf(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
