package io.drover.playbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a batch of vendor events becomes the vendor's request: method, endpoint, headers, batch size and the envelope
 * around the batch. Placeholders such as {@code {{env:ACME_TOKEN}}} are kept as written: the runtime resolves them.
 */
public final class Request {

    static final String BATCH = "$batch";

    private final String method;
    private final String endpoint;
    private final Map<String, String> headers;
    private final int batchSize;
    private final ObjectNode envelope;
    private final List<String> batchSlot;

    private Request(String method, String endpoint, Map<String, String> headers, int batchSize, ObjectNode envelope,
            List<String> batchSlot) {
        this.method = method;
        this.endpoint = endpoint;
        this.headers = headers;
        this.batchSize = batchSize;
        this.envelope = envelope;
        this.batchSlot = batchSlot;
    }

    static Request compile(YamlNode node) {
        Map<String, YamlNode> keys = node.object("method", "endpoint", "headers", "envelope", "batchSize");
        String method = keys.containsKey("method") ? keys.get("method").text().toUpperCase(Locale.ROOT) : "POST";
        if (!List.of("POST", "PUT", "PATCH").contains(method)) {
            throw keys.get("method").where().error("expected POST, PUT or PATCH, got '" + keys.get("method").text() + "'");
        }
        if (!keys.containsKey("endpoint")) {
            throw node.where().error("'endpoint' is required");
        }
        String endpoint = keys.get("endpoint").name();
        if (!endpoint.startsWith("https://") && !endpoint.startsWith("http://") && !endpoint.startsWith("{{")) {
            throw keys.get("endpoint").where().error("expected an http:// or https:// URL (or a {{placeholder}})");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (keys.containsKey("headers")) {
            keys.get("headers").entries().forEach((name, value) -> headers.put(name, value.text()));
        }
        int batchSize = keys.containsKey("batchSize") ? keys.get("batchSize").integer(1) : 1;
        ObjectNode envelope = null;
        List<String> slot = null;
        if (keys.containsKey("envelope")) {
            YamlNode envelopeNode = keys.get("envelope");
            envelopeNode.entries(); // a mapping, or a clear error
            envelope = (ObjectNode) envelopeNode.json();
            List<List<String>> slots = new ArrayList<>();
            findBatch(envelope, new ArrayList<>(), slots);
            if (slots.size() != 1) {
                throw envelopeNode.where().error("needs \"" + BATCH + "\" exactly once, as the value where the events go"
                        + " (found " + slots.size() + ")");
            }
            slot = List.copyOf(slots.get(0));
        }
        return new Request(method, endpoint, Map.copyOf(headers), batchSize, envelope, slot);
    }

    private static void findBatch(JsonNode node, List<String> path, List<List<String>> found) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            path.add(field.getKey());
            if (field.getValue().isTextual() && field.getValue().textValue().equals(BATCH)) {
                found.add(new ArrayList<>(path));
            } else if (field.getValue().isObject()) {
                findBatch(field.getValue(), path, found);
            }
            path.remove(path.size() - 1);
        }
    }

    public String method() {
        return method;
    }

    /** As written, placeholders included. */
    public String endpoint() {
        return endpoint;
    }

    /** As written, placeholders included; unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * The request body for a batch of vendor events (at most {@link #batchSize()}; the events are placed in the body,
     * not copied). With an envelope: the envelope, its {@code "$batch"} replaced by the array of events. Without: the
     * single event when the batch size is 1, else the array.
     */
    public JsonNode wrap(List<ObjectNode> batch) {
        if (batch.isEmpty() || batch.size() > batchSize) {
            throw new IllegalArgumentException("a batch has 1 to " + batchSize + " events, got " + batch.size());
        }
        if (envelope == null && batchSize == 1) {
            return batch.get(0);
        }
        ArrayNode events = JsonNodeFactory.instance.arrayNode(batch.size());
        events.addAll(batch);
        if (envelope == null) {
            return events;
        }
        ObjectNode body = envelope.deepCopy();
        ObjectNode parent = body;
        for (String key : batchSlot.subList(0, batchSlot.size() - 1)) {
            parent = (ObjectNode) parent.get(key);
        }
        parent.set(batchSlot.get(batchSlot.size() - 1), events);
        return body;
    }
}
