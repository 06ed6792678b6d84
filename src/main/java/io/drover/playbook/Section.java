package io.drover.playbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.CamelContext;

/**
 * One section of a playbook ({@code global}, {@code default} or one of {@code eventSpecific}): its filters and its
 * steps, run in this order: mappings, enrichments, spreadings, expressions.
 */
final class Section {

    static final Section EMPTY = new Section(Filters.NONE, List.of());

    private final Filters filters;
    private final List<Step> steps;

    private Section(Filters filters, List<Step> steps) {
        this.filters = filters;
        this.steps = steps;
    }

    static Section compile(YamlNode node, CamelContext context) {
        if (node == null || node.isNull()) {
            return EMPTY;
        }
        Map<String, YamlNode> keys = node.object("filters", "mappings", "enrichments", "spreadings", "expressions");
        List<Step> steps = new ArrayList<>();
        for (YamlNode item : items(keys.get("mappings"))) {
            steps.add(Mapping.fromMapping(item));
        }
        for (YamlNode item : items(keys.get("enrichments"))) {
            steps.add(enrichment(item));
        }
        for (YamlNode item : items(keys.get("spreadings"))) {
            steps.add(Spreading.compile(item));
        }
        for (YamlNode item : items(keys.get("expressions"))) {
            steps.add(Mapping.fromExpression(item, context));
        }
        return new Section(Filters.compile(keys.get("filters")), List.copyOf(steps));
    }

    /** {@code {outputKey, value}} or {@code {outputKey, timestamp: {unit, from}}}. */
    private static Step enrichment(YamlNode item) {
        Map<String, YamlNode> keys = item.object("outputKey", "value", "timestamp");
        YamlNode what = Mapping.exactlyOne(item, keys, "value", "timestamp");
        return what == keys.get("value") ? Mapping.constant(item, keys) : Timestamp.compile(item, keys);
    }

    private static List<YamlNode> items(YamlNode node) {
        return node == null || node.isNull() ? List.of() : node.list();
    }

    String dropReason(JsonNode event) {
        return filters.dropReason(event).orElse(null);
    }

    /** @throws Step.Failure naming the step that failed */
    void run(ObjectNode event, ObjectNode out) {
        for (Step step : steps) {
            try {
                step.apply(event, out);
            } catch (Step.Failure | FieldPath.WriteConflict e) {
                throw new Step.Failure(step.label() + ": " + e.getMessage(), e.getCause());
            }
        }
    }
}
