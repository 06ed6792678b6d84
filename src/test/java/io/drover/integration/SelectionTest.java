package io.drover.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.drover.playbook.PlaybookException;
import io.drover.testing.JsonTrees;

class SelectionTest {

    private static Decision decide(Selection selection, String event) {
        return selection.decide(JsonTrees.object(event));
    }

    private static void assertRejected(Decision decision, Decision.Reason reason, String detail) {
        assertThat(decision.selected()).as(decision.toString()).isFalse();
        assertThat(decision.reason()).isEqualTo(reason);
        assertThat(decision.detail()).isEqualTo(detail);
    }

    @Test
    void withoutSettingsEveryEventIsSelected() {
        Selection all = Selection.builder("webhook").build();
        for (String type : List.of("track", "identify", "page", "screen", "group", "alias")) {
            assertThat(decide(all, "{\"type\":\"" + type + "\",\"event\":\"X\"}").selected()).isTrue();
        }
    }

    @Nested
    class TypesAndEventNames {

        private final Selection selection = Selection.builder("acme")
                .types(List.of("track", "page"))
                .eventNames(List.of("Order Completed", "Product Viewed"))
                .build();

        @Test
        void onlyTheListedTypes() {
            assertThat(decide(selection, "{\"type\":\"page\"}").selected()).isTrue();
            assertRejected(decide(selection, "{\"type\":\"identify\"}"), Decision.Reason.TYPE, "type 'identify' is not selected");
        }

        @Test
        void onlyTheListedTrackEventsExactlyAsNamed() {
            assertThat(decide(selection, "{\"type\":\"track\",\"event\":\"Order Completed\"}").selected()).isTrue();
            Decision other = decide(selection, "{\"type\":\"track\",\"event\":\"order completed\"}");
            assertRejected(other, Decision.Reason.EVENT_NAME, "event 'order completed' is not selected");
            assertThat(other.reason().code()).isEqualTo("event_name");
        }

        @Test
        void unknownTypesInTheSettingsAreErrors() {
            assertThatThrownBy(() -> Selection.builder("acme").types(List.of("trak"))).isInstanceOf(PlaybookException.class)
                    .hasMessage("integration acme: types: unknown type 'trak' (expected track, identify, page, screen, group or alias)");
        }
    }

    @Nested
    class IntegrationsObjectRules {

        private final Selection ga4 = Selection.builder("ga4").names("Google Analytics 4", "GA4").build();

        private Decision withIntegrations(Selection selection, String integrations) {
            return decide(selection, "{\"type\":\"track\",\"event\":\"X\",\"integrations\":" + integrations + "}");
        }

        @Test
        void allIsTrueByDefault() {
            assertThat(decide(ga4, "{\"type\":\"track\",\"event\":\"X\"}").selected()).isTrue();
            assertThat(withIntegrations(ga4, "{}").selected()).isTrue();
            assertThat(withIntegrations(ga4, "{\"Mixpanel\": false}").selected()).isTrue();
        }

        @Test
        void allFalseTurnsEveryDestinationOffUnlessNamed() {
            assertRejected(withIntegrations(ga4, "{\"All\": false, \"Mixpanel\": true}"), Decision.Reason.INTEGRATIONS_OBJECT,
                    "integrations object: All is false and none of 'Google Analytics 4', 'GA4' is enabled");
            assertThat(withIntegrations(ga4, "{\"All\": false, \"Google Analytics 4\": true}").selected()).isTrue();
            assertThat(withIntegrations(ga4, "{\"All\": false, \"GA4\": true}").selected()).as("alias").isTrue();
        }

        @Test
        void anObjectMeansEnabledWithOptions() {
            assertThat(withIntegrations(ga4, "{\"All\": false, \"GA4\": {\"clientId\": \"123.456\"}}").selected()).isTrue();
        }

        @Test
        void anExplicitFalseTurnsTheDestinationOff() {
            assertRejected(withIntegrations(ga4, "{\"All\": true, \"GA4\": false}"), Decision.Reason.INTEGRATIONS_OBJECT,
                    "integrations object: 'GA4' is false");
            assertRejected(withIntegrations(ga4, "{\"Google Analytics 4\": true, \"GA4\": false}"),
                    Decision.Reason.INTEGRATIONS_OBJECT, "integrations object: 'GA4' is false");
        }

        @Test
        void namesAreCaseSensitiveAsInSegment() {
            assertThat(withIntegrations(ga4, "{\"ga4\": false}").selected()).isTrue();
            assertThat(withIntegrations(ga4, "{\"All\": false, \"google analytics 4\": true}").selected()).isFalse();
        }

        @Test
        void withoutNamesTheIntegrationIdIsTheName() {
            Selection webhook = Selection.builder("webhook").build();
            assertRejected(withIntegrations(webhook, "{\"webhook\": false}"), Decision.Reason.INTEGRATIONS_OBJECT,
                    "integrations object: 'webhook' is false");
            assertRejected(withIntegrations(webhook, "{\"All\": false}"), Decision.Reason.INTEGRATIONS_OBJECT,
                    "integrations object: All is false and 'webhook' is not enabled");
        }
    }

    @Nested
    class Consent {

        private final Selection ads = Selection.builder("acme-ads").requiredConsent(Set.of("advertising", "Analytics")).build();

        private Decision withConsent(Selection selection, String consent) {
            return decide(selection, "{\"type\":\"track\",\"event\":\"X\",\"context\":{\"consent\":" + consent + "}}");
        }

        @Test
        void segmentCategoryPreferencesCompareCaseInsensitively() {
            assertThat(withConsent(ads, "{\"categoryPreferences\": {\"Advertising\": true, \"ANALYTICS\": true, \"Functional\": false}}")
                    .selected()).isTrue();
        }

        @Test
        void everyRequiredCategoryMustBeGranted() {
            assertRejected(withConsent(ads, "{\"categoryPreferences\": {\"Advertising\": true, \"Analytics\": false}}"),
                    Decision.Reason.CONSENT, "consent for 'analytics' is refused");
            assertRejected(withConsent(ads, "{\"categoryPreferences\": {\"Advertising\": true}}"),
                    Decision.Reason.CONSENT, "no consent given for 'analytics'");
        }

        @Test
        void metaRouterOptOutSaysTheOpposite() {
            assertThat(withConsent(ads, "{\"explicit\": \"true\", \"optOut\": {\"advertising\": \"false\", \"analytics\": false}}")
                    .selected()).isTrue();
            assertRejected(withConsent(ads, "{\"optOut\": {\"advertising\": \"true\", \"analytics\": \"false\"}}"),
                    Decision.Reason.CONSENT, "consent for 'advertising' is refused");
        }

        @Test
        void aRefusalInEitherShapeWins() {
            assertRejected(withConsent(ads, """
                    {"categoryPreferences": {"Advertising": true, "Analytics": true}, "optOut": {"advertising": true}}
                    """), Decision.Reason.CONSENT, "consent for 'advertising' is refused");
            assertThat(withConsent(ads, """
                    {"categoryPreferences": {"Advertising": true}, "optOut": {"analytics": false}}
                    """).selected()).as("granted across the two shapes").isTrue();
        }

        @Test
        void noConsentInformationGoesThroughAsInSegmentUnlessStrict() {
            assertThat(decide(ads, "{\"type\":\"track\",\"event\":\"X\"}").selected()).isTrue();
            assertThat(withConsent(ads, "{}").selected()).isTrue();
            Selection strict = Selection.builder("ads").requiredConsent(Set.of("advertising"))
                    .consentRequiredOnEveryEvent(true).build();
            assertRejected(decide(strict, "{\"type\":\"track\",\"event\":\"X\"}"), Decision.Reason.CONSENT,
                    "the event carries no consent information (drover.consent.required=true)");
            assertRejected(withConsent(strict, "{}"), Decision.Reason.CONSENT,
                    "the event carries no consent information (drover.consent.required=true)");
            assertRejected(withConsent(ads, "{\"categoryPreferences\": {\"Advertising\": \"maybe\"}}"),
                    Decision.Reason.CONSENT, "no consent given for 'advertising'");
        }

        @Test
        void integrationsThatRequireNothingIgnoreConsent() {
            Selection none = Selection.builder("warehouse").build();
            assertThat(withConsent(none, "{\"categoryPreferences\": {\"Advertising\": false}}").selected()).isTrue();
            assertThat(decide(none, "{\"type\":\"track\",\"event\":\"X\"}").selected()).isTrue();
        }
    }

    @Nested
    class FilterRules {

        private final Selection selection = Selection.builder("acme").filters(List.of(
                Map.of("name", "internal", "deny", Map.of("path", "context.ip", "matches", "^10\\.")),
                Map.of("allow", Map.of("path", "properties.revenue", "gt", 0)),
                Map.of("allow", Map.of("path", "type", "notIn", List.of("track"))))).build();

        @Test
        void denyAndAllowAsInPlaybooks() {
            assertThat(decide(selection, "{\"type\":\"track\",\"event\":\"X\",\"properties\":{\"revenue\":5}}").selected()).isTrue();
            assertThat(decide(selection, "{\"type\":\"page\"}").selected()).isTrue();
            assertRejected(decide(selection, "{\"type\":\"page\",\"context\":{\"ip\":\"10.1.2.3\"}}"), Decision.Reason.FILTER,
                    "denied by filter 'internal' (filters[0])");
            assertRejected(decide(selection, "{\"type\":\"track\",\"event\":\"X\",\"properties\":{\"revenue\":0}}"),
                    Decision.Reason.FILTER, "no allow filter of filters matched");
        }

        @Test
        void badRulesAreReportedLikePlaybookErrors() {
            assertThatThrownBy(() -> Selection.builder("acme").filters(List.of(Map.of("deny", Map.of("path", "a", "like", "b")))))
                    .isInstanceOf(PlaybookException.class)
                    .hasMessageStartingWith("integration acme: filters[0].deny: unknown key 'like'");
        }
    }

    @Test
    void cheapRulesAreCheckedFirst() {
        Selection selection = Selection.builder("acme").types(List.of("track")).requiredConsent(List.of("advertising")).build();
        assertThat(decide(selection, "{\"type\":\"page\"}").reason()).isEqualTo(Decision.Reason.TYPE);
        assertThat(decide(selection, "{\"type\":\"track\",\"event\":\"X\",\"integrations\":{\"acme\":false}}").reason())
                .isEqualTo(Decision.Reason.INTEGRATIONS_OBJECT);
    }
}
