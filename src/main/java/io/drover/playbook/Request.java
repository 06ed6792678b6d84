package io.drover.playbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a batch of vendor events becomes the vendor's request body and headers: the envelope around the batch and the
 * headers. Placeholders such as {@code {{env:ACME_TOKEN}}} are kept as written: the runtime resolves them. The URL,
 * the method and the batch size are the module's parameters ({@code endpoint}, {@code method}, {@code batchSize}),
 * their one home: the consumer hands the request bean batches of at most {@code batchSize} events, each one request,
 * at run time and in {@code drover module test} alike; a playbook that sets them is refused with the parameter to use.
 */
public final class Request {

    static final String BATCH = "$batch";

    /** Keys of the request block that are the module's parameters: their one home. */
    private static final Map<String, String> MODULE_PARAMETERS = Map.of("endpoint", "endpoint", "method", "method",
            "batchSize", "batchSize");

    private final Map<String, String> headers;
    private final ObjectNode envelope;
    private final List<String> batchSlot;

    private Request(Map<String, String> headers, ObjectNode envelope, List<String> batchSlot) {
        this.headers = headers;
        this.envelope = envelope;
        this.batchSlot = batchSlot;
    }

    static Request compile(YamlNode node) {
        for (Map.Entry<String, YamlNode> key : node.entries().entrySet()) {
            String parameter = MODULE_PARAMETERS.get(key.getKey());
            if (parameter != null) {
                throw key.getValue().where().error("'" + key.getKey() + "' is the module's: set the module's '"
                        + parameter + "' parameter instead (it has one home, so the run time and 'drover module test'"
                        + " cut batches and call the same URL)");
            }
        }
        Map<String, YamlNode> keys = node.object("headers", "envelope");
        Map<String, String> headers = new LinkedHashMap<>();
        if (keys.containsKey("headers")) {
            keys.get("headers").entries().forEach((name, value) -> headers.put(name, value.text()));
        }
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
        return new Request(Map.copyOf(headers), envelope, slot);
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

    /** As written, placeholders included; unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The request body for a batch of vendor events (the events are placed in the body, not copied). With an envelope:
     * the envelope, its {@code "$batch"} replaced by the array of events. Without: the array of events, or the event
     * itself for a module whose batch size is 1 (one event per request, as a webhook takes it).
     *
     * @param batchSize the module's {@code batchSize}
     */
    public JsonNode wrap(List<ObjectNode> batch, int batchSize) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a request needs at least one event");
        }
        if (envelope == null && batchSize == 1 && batch.size() == 1) {
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
