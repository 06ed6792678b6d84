package io.drover.integration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import io.drover.playbook.Filters;
import org.apache.camel.Processor;

/**
 * The template's selection step: keeps the events of a batch that this integration takes ({@link Selection}: types,
 * event names, the Segment integrations object, consent, allow/deny filters). Its properties come from the template's
 * parameters.
 */
public class SelectEvents implements Processor {

    /**
     * Exchange property: how many events were selected. The template's filter reads it rather than
     * {@code ${body.size()}}, which Camel evaluates as a bean call whose method cache key hashes the whole body, i.e.
     * every field of every event of the batch (about a tenth of the CPU of a 5-integration benchmark run).
     */
    public static final String SELECTED = "droverSelected";

    private String integration;
    private Set<String> types = Set.of();
    private Set<String> events = Set.of();
    private List<String> names = List.of();
    private Set<String> consent = Set.of();
    private boolean consentRequired;
    private Filters filters = Filters.NONE;
    private volatile Selection selection;

    public void setIntegration(String integration) {
        this.integration = integration;
    }

    public void setTypes(String types) {
        this.types = Set.copyOf(split(types));
    }

    public void setEvents(String events) {
        this.events = Set.copyOf(split(events));
    }

    /** The names this integration answers to in a message's integrations object (Segment's, case-sensitive). */
    public void setNames(String names) {
        this.names = split(names);
    }

    /** Consent categories it needs, all of them granted. */
    public void setConsent(String consent) {
        this.consent = Set.copyOf(split(consent));
    }

    /**
     * Allow/deny rules as YAML text, in the playbook's filter syntax. Compiled here, when the module loads, so that a
     * mistake stops the module with the file's name and the rule's place instead of failing on the first event.
     */
    public void setFilters(String filters) {
        this.filters = Filters.parse("parameter", "filters", filters);
    }

    /** drover.consent.required: whether an event without consent information is refused when consent is needed. */
    public void setConsentRequired(boolean consentRequired) {
        this.consentRequired = consentRequired;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<ObjectNode> batch = exchange.getIn().getBody(List.class);
        Selection s = selection();
        IntegrationMetrics metrics = exchange.getProperty(EventsConsumer.METRICS, IntegrationMetrics.class);
        List<ObjectNode> selected = new ArrayList<>(batch.size());
        io.drover.journey.Recorder journeys = io.drover.journey.Recorder.of(exchange);
        for (ObjectNode event : batch) {
            Decision d = s.decide(event);
            journeys.decided(event, d.selected() ? null : d.reason().code(), d.detail());
            if (d.selected()) {
                selected.add(event);
            } else if (metrics != null) {
                metrics.filtered(d.reason().code());
            }
        }
        BatchState.of(exchange).selected(selected);
        exchange.setProperty(SELECTED, selected.size());
        exchange.getIn().setBody(selected);
    }

    private Selection selection() {
        if (selection == null) {
            Selection.Builder b = Selection.builder(integration).types(types).eventNames(events).requiredConsent(consent)
                    .consentRequiredOnEveryEvent(consentRequired).filters(filters);
            if (!names.isEmpty()) {
                b.names(names.get(0), names.subList(1, names.size()).toArray(String[]::new));
            }
            selection = b.build();
        }
        return selection;
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }
}
