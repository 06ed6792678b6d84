package io.drover.kits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.GoldenFiles;

/**
 * A kit's request beside the one of Drover's Java module for the same event, field by field: the module's request is
 * its golden file (src/test/resources/golden/<vendor>/<event>.json), the kit's is built here. Fields are JSON
 * pointers into the body, array indexes as {@code *} (so a list of products compares as one field per key); each
 * difference is a field only the kit sends, only the module sends, or both with another value.
 */
final class KitVsModule {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private KitVsModule() {
    }

    /** Per field, what differs ("kit only", "module only", "value") and for which events. */
    static Map<String, TreeSet<String>> differences(String kit, Map<String, String> params, String vendor)
            throws Exception {
        KitRequest.Compiled c = StarterKits.compile(kit, params);
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (String event : GoldenFiles.eventNames()) {
            ObjectNode e = GoldenFiles.event(event);
            List<VendorRequest> requests = StarterKits.requests(c, new Batch(), List.of(e));
            JsonNode golden = MAPPER.readTree(Files.readString(Path.of("src/test/resources/golden", vendor, event + ".json")));
            List<JsonNode> moduleBodies = new java.util.ArrayList<>();
            golden.forEach(r -> {
                if (r.has("body")) {
                    moduleBodies.add(r.get("body"));
                }
            });
            JsonNode moduleBody = merged(moduleBodies);
            JsonNode kitBody = merged(requests.stream().map(r -> parse(r.body())).toList());
            if (kitBody == null && moduleBody == null) {
                continue;
            }
            if (kitBody == null || moduleBody == null) {
                out.computeIfAbsent("(request)", k -> new TreeSet<>())
                        .add((kitBody == null ? "module only: " : "kit only: ") + event);
                continue;
            }
            Map<String, String> k = flatten(kitBody);
            Map<String, String> m = flatten(moduleBody);
            for (String path : new TreeSet<>(k.keySet())) {
                if (!m.containsKey(path)) {
                    out.computeIfAbsent(path, x -> new TreeSet<>()).add("kit only: " + event);
                } else if (!same(k.get(path), m.get(path))) {
                    out.computeIfAbsent(path, x -> new TreeSet<>()).add("value: " + event + " (kit " + k.get(path)
                            + ", module " + m.get(path) + ")");
                }
            }
            for (String path : m.keySet()) {
                if (!k.containsKey(path)) {
                    out.computeIfAbsent(path, x -> new TreeSet<>()).add("module only: " + event);
                }
            }
        }
        return out;
    }

    /** Writes target/kit-vs-module-<vendor>.txt and returns its text. */
    static String report(String kit, String vendor, Map<String, TreeSet<String>> diffs) throws Exception {
        StringBuilder b = new StringBuilder("kit " + kit + " vs Drover's " + vendor + " module, field by field\n");
        diffs.forEach((path, what) -> {
            b.append(path).append('\n');
            what.forEach(w -> b.append("    ").append(w.length() > 300 ? w.substring(0, 300) + "..." : w).append('\n'));
        });
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/kit-vs-module-" + vendor + ".txt"), b);
        return b.toString();
    }

    /** The kinds of difference per field, without the values: what a test pins. */
    static Map<String, String> kinds(Map<String, TreeSet<String>> diffs) {
        Map<String, String> out = new TreeMap<>();
        diffs.forEach((path, what) -> out.put(path, String.join("+", new TreeSet<>(what.stream()
                .map(w -> w.substring(0, w.indexOf(':'))).toList()))));
        return out;
    }

    /**
     * The same value: equal text, the same number, or the same instant (Braze's "2024-11-28T08:00:30Z" and
     * "2024-11-28T08:00:30.000Z" are one time); a list's values (joined with commas) compare one by one.
     */
    static boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        String[] as = a.split(",", -1);
        String[] bs = b.split(",", -1);
        if (as.length != bs.length) {
            return false;
        }
        for (int i = 0; i < as.length; i++) {
            if (!sameScalar(as[i], bs[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameScalar(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            // not numbers
        }
        try {
            return java.time.OffsetDateTime.parse(a).toInstant().equals(java.time.OffsetDateTime.parse(b).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /**
     * The bodies of one event's requests as one (Braze: /users/track and /users/identify): top-level fields of
     * each, arrays put end to end; null for none.
     */
    private static JsonNode merged(List<JsonNode> bodies) {
        if (bodies.isEmpty()) {
            return null;
        }
        if (bodies.size() == 1 || !bodies.stream().allMatch(JsonNode::isObject)) {
            return bodies.get(0);
        }
        ObjectNode all = MAPPER.createObjectNode();
        for (JsonNode body : bodies) {
            body.fields().forEachRemaining(f -> {
                JsonNode have = all.get(f.getKey());
                if (have != null && have.isArray() && f.getValue().isArray()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) have).addAll((com.fasterxml.jackson.databind.node.ArrayNode) f.getValue());
                } else if (have == null) {
                    all.set(f.getKey(), f.getValue().deepCopy());
                }
            });
        }
        return all;
    }

    private static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            return MAPPER.getNodeFactory().textNode(body);
        }
    }

    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        flatten(node, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String path, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(f.getValue(), path + "/" + f.getKey(), out);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(path, "[]");
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), path + "/*", out);
                if (i == 0) {
                    continue;
                }
            }
        } else if (!node.isNull()) {
            out.merge(path, node.asText(), (a, b) -> a + "," + b);
        }
    }
}
