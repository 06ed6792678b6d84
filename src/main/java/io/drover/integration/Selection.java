package io.drover.integration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.drover.playbook.Filters;
import io.drover.playbook.PlaybookException;

/**
 * Decides whether an integration receives an event, checking in this order (cheapest first): the event type, the
 * event name (track only), the Segment {@code integrations} object, consent, and allow/deny filters (the playbook's
 * condition syntax). Built once from the integration's settings; immutable and thread-safe.
 */
public final class Selection {

    static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");

    private final Set<String> types;
    private final Set<String> eventNames;
    private final IntegrationsObject integrations;
    private final ConsentCheck consent;
    private final Filters filters;

    private Selection(Builder b) {
        this.types = b.types;
        this.eventNames = b.eventNames;
        this.integrations = new IntegrationsObject(b.names.isEmpty() ? List.of(b.integration) : b.names);
        this.consent = new ConsentCheck(b.consent, b.consentRequired);
        this.filters = b.filters;
    }

    /** @param integration the integration's id (e.g. {@code ga4}): its name in the integrations object unless {@link Builder#names} says otherwise */
    public static Builder builder(String integration) {
        return new Builder(integration);
    }

    public Decision decide(JsonNode event) {
        String type = event.path("type").asText("");
        if (!types.isEmpty() && !types.contains(type)) {
            return Decision.rejected(Decision.Reason.TYPE, "type '" + type + "' is not selected");
        }
        if (!eventNames.isEmpty() && type.equals("track")) {
            String name = event.path("event").asText("");
            if (!eventNames.contains(name)) {
                return Decision.rejected(Decision.Reason.EVENT_NAME, "event '" + name + "' is not selected");
            }
        }
        String refusal = integrations.refusal(event);
        if (refusal != null) {
            return Decision.rejected(Decision.Reason.INTEGRATIONS_OBJECT, refusal);
        }
        refusal = consent.refusal(event);
        if (refusal != null) {
            return Decision.rejected(Decision.Reason.CONSENT, refusal);
        }
        Optional<String> dropped = filters.dropReason(event);
        return dropped.map(reason -> Decision.rejected(Decision.Reason.FILTER, reason)).orElse(Decision.SELECTED);
    }

    /** An integration's selection settings; every part is optional (the default selects every event). */
    public static final class Builder {

        private final String integration;
        private Set<String> types = Set.of();
        private Set<String> eventNames = Set.of();
        private List<String> names = List.of();
        private Set<String> consent = Set.of();
        private boolean consentRequired;
        private Filters filters = Filters.NONE;

        private Builder(String integration) {
            if (integration == null || integration.isBlank()) {
                throw new IllegalArgumentException("an integration needs a name");
            }
            this.integration = integration;
        }

        /** Event types (track, identify, page, screen, group, alias); empty: all. */
        public Builder types(Collection<String> types) {
            for (String type : types) {
                if (!TYPES.contains(type)) {
                    throw new PlaybookException("integration " + integration + ": types: unknown type '" + type
                            + "' (expected track, identify, page, screen, group or alias)");
                }
            }
            this.types = Set.copyOf(types);
            return this;
        }

        /** Track event names, exactly as sent (case matters); empty: all. Other types are not affected. */
        public Builder eventNames(Collection<String> eventNames) {
            this.eventNames = Set.copyOf(eventNames);
            return this;
        }

        /** The destination's name in Segment's integrations object, then its aliases, e.g. "Google Analytics 4", "GA4". */
        public Builder names(String name, String... aliases) {
            List<String> all = new ArrayList<>();
            all.add(name);
            all.addAll(List.of(aliases));
            this.names = List.copyOf(all);
            return this;
        }

        /** Consent categories that must all be granted, e.g. advertising (any case); empty: consent is not checked. */
        public Builder requiredConsent(Collection<String> categories) {
            this.consent = Set.copyOf(categories);
            return this;
        }

        /** Strict consent: an event without consent information is refused too (default: it goes through, as Segment). */
        public Builder consentRequiredOnEveryEvent(boolean required) {
            this.consentRequired = required;
            return this;
        }

        /** Allow/deny rules as parsed YAML, in the playbook's filter syntax. */
        public Builder filters(Object rules) {
            this.filters = Filters.compile("integration " + integration, "filters", rules);
            return this;
        }

        /** Allow/deny rules already compiled. */
        public Builder filters(Filters filters) {
            this.filters = filters;
            return this;
        }

        public Selection build() {
            return new Selection(this);
        }
    }
}
