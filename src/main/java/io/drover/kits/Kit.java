package io.drover.kits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A MetaRouter starter kit as MetaRouter publishes it: a folder with {@code playbook.json} and {@code connection.json}
 * (or the same content as {@code playbook.yaml} and {@code connection.yaml}, as MetaRouter's Forge writes them), and
 * an optional {@code metadata.json}. The files are read as they are, never changed.
 *
 * @param name       the folder's name (npm kits: {@code tiktok}, {@code facebook-pixel}, ...)
 * @param playbook   the playbook's tree
 * @param connection the connection's tree
 */
public record Kit(String name, JsonNode playbook, JsonNode connection) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** {@code $$NAME$$}: a parameter, in any string of both files (Lua bodies included). */
    static final Pattern PARAM = Pattern.compile("\\$\\$([A-Za-z0-9_]+)\\$\\$");
    /** Where npm puts the kits inside the package. */
    public static final String NPM_KITS = ".dist";

    /** Reads a kit folder; a missing or unreadable file is an error naming it. */
    public static Kit read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("kit folder " + dir + " does not exist");
        }
        return new Kit(dir.getFileName().toString(), file(dir, "playbook"), file(dir, "connection"));
    }

    /**
     * The kit named {@code location}: a folder (relative to {@code base}, the module's folder), or, written
     * {@code npm:<kit>}, the kit of that name in the installed {@code @metarouter/ajs-starter-kit} package at
     * {@code npmPackage}.
     */
    public static Kit locate(String location, Path base, Path npmPackage) {
        if (location.startsWith("npm:")) {
            String kit = location.substring(4).strip();
            if (!kit.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("kit '" + location + "': npm kit names are lowercase words and dashes");
            }
            Path dir = npmPackage.resolve(NPM_KITS).resolve(kit);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("kit '" + location + "': no kit '" + kit + "' in " + npmPackage
                        + " (install it: npm install @metarouter/ajs-starter-kit, and set drover.kits.npm-package)");
            }
            return read(dir);
        }
        return read(base.resolve(location).normalize());
    }

    private static JsonNode file(Path dir, String name) {
        Path json = dir.resolve(name + ".json");
        try {
            if (Files.exists(json)) {
                return MAPPER.readTree(json.toFile());
            }
            for (String ext : new String[] {".yaml", ".yml"}) {
                Path yaml = dir.resolve(name + ext);
                if (Files.exists(yaml)) {
                    Object tree = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(yaml));
                    return MAPPER.valueToTree(tree);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kit " + dir.getFileName() + ": cannot read " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kit " + dir.getFileName() + ": " + name + " is not valid: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("kit " + dir.getFileName() + ": no " + name + ".json or " + name + ".yaml in " + dir);
    }

    /** A parameter the kit declares: in {@code connection.json} or {@code playbook.json} {@code params}. */
    public record Param(String name, String defaultValue, boolean optional, boolean sensitive) {
    }

    /** Every parameter the kit declares (connection first), by name. */
    public Map<String, Param> params() {
        Map<String, Param> params = new LinkedHashMap<>();
        for (JsonNode root : new JsonNode[] {connection, playbook}) {
            for (JsonNode p : root.path("params")) {
                String name = p.path("name").asText();
                JsonNode d = p.get("defaultValue");
                params.putIfAbsent(name, new Param(name, d == null || d.isNull() ? null : d.asText(),
                        p.path("isOptional").asBoolean(false), p.path("isSensitive").asBoolean(false)));
            }
        }
        return params;
    }

    /**
     * The kit with every {@code $$NAME$$} replaced by its value: the given one, else the kit's default; an optional
     * parameter without either becomes empty. Text is replaced as MetaRouter does, inside strings (a Lua body
     * included, where the kits quote it themselves: {@code '$$EVENT_SOURCE$$'}).
     *
     * @throws IllegalArgumentException naming every required parameter without a value
     */
    public Kit withParams(Map<String, String> values) {
        Map<String, Param> declared = params();
        Map<String, String> resolved = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Param p : declared.values()) {
            String v = values.get(p.name());
            if (v == null || v.isEmpty()) {
                v = p.defaultValue();
            }
            if (v == null) {
                if (!p.optional() && usesParam(p.name())) {
                    missing.add(p.name());
                }
                v = "";
            }
            resolved.put(p.name(), v);
        }
        for (String given : values.keySet()) {
            if (!declared.containsKey(given)) {
                throw new IllegalArgumentException("kit " + name + " has no parameter " + given + " (it has "
                        + String.join(", ", declared.keySet()) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("kit " + name + ": no value for parameter" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (give it in the module's params)");
        }
        return new Kit(name, substitute(playbook, resolved), substitute(connection, resolved));
    }

    private boolean usesParam(String param) {
        String token = "$$" + param + "$$";
        return playbook.toString().contains(token) || connection.toString().contains(token);
    }

    private static JsonNode substitute(JsonNode node, Map<String, String> values) {
        if (node.isTextual()) {
            String s = node.textValue();
            if (!s.contains("$$")) {
                return node;
            }
            Matcher m = PARAM.matcher(s);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String v = values.get(m.group(1));
                m.appendReplacement(b, Matcher.quoteReplacement(v != null ? v : m.group()));
            }
            m.appendTail(b);
            return TextNode.valueOf(b.toString());
        }
        if (node.isObject()) {
            ObjectNode o = MAPPER.createObjectNode();
            node.fields().forEachRemaining(f -> o.set(substituteKey(f.getKey(), values), substitute(f.getValue(), values)));
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = MAPPER.createArrayNode();
            node.forEach(e -> a.add(substitute(e, values)));
            return a;
        }
        return node;
    }

    private static String substituteKey(String key, Map<String, String> values) {
        return key.contains("$$") ? substitute(TextNode.valueOf(key), values).textValue() : key;
    }
}
