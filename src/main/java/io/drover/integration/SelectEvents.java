package io.drover.integration;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Keeps the events of a batch that this integration takes, by type and event name. (The full selection, with the
 * Segment integrations object, consent and conditions, replaces this step.)
 */
public class SelectEvents implements Processor {

    private Set<String> types = Set.of();
    private Set<String> events = Set.of();

    public void setTypes(String types) {
        this.types = split(types);
    }

    public void setEvents(String events) {
        this.events = split(events);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<ObjectNode> batch = exchange.getIn().getBody(List.class);
        exchange.getIn().setBody(batch.stream().filter(this::selects).collect(Collectors.toList()));
    }

    boolean selects(ObjectNode event) {
        String type = event.path("type").asText();
        if (!types.isEmpty() && !types.contains(type)) {
            return false;
        }
        return events.isEmpty() || !"track".equals(type) || events.contains(event.path("event").asText());
    }

    private static Set<String> split(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
