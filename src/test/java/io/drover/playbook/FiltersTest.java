package io.drover.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.drover.testing.JsonTrees;

/** The condition operators, through the public {@link Filters} API that selection uses too. */
class FiltersTest {

    private static final String EVENT = """
            {"type": "track", "event": "Order Completed", "userId": "u1",
             "properties": {"revenue": 42.5, "price_text": "19.99", "currency": "EUR", "test": false, "empty": null,
               "tags": ["sale", "summer"], "products": [{"sku": "A1", "category": "shoes"}, {"sku": "B2", "category": "hats"}]},
             "context": {"page": {"url": "https://shop.example/checkout?step=2"}}}
            """;

    /** Whether the event passes one deny rule with this condition: true when the condition does NOT hold. */
    private static boolean holds(String condition) {
        Object rules = new Load(LoadSettings.builder().build())
                .loadFromReader(new StringReader("- deny: " + condition));
        Filters filters = Filters.compile("test", "filters", rules);
        return filters.dropReason(JsonTrees.object(EVENT)).isPresent();
    }

    @Test
    void existsAndNotExists() {
        assertThat(holds("{path: userId, exists: true}")).isTrue();
        assertThat(holds("{path: anonymousId, exists: true}")).isFalse();
        assertThat(holds("{path: properties.empty, exists: true}")).as("null counts as missing").isFalse();
        assertThat(holds("{path: anonymousId, notExists: true}")).isTrue();
        assertThat(holds("{path: anonymousId, exists: false}")).isTrue();
        assertThat(holds("{path: userId, notExists: true}")).isFalse();
    }

    @Test
    void equalsAndNotEquals() {
        assertThat(holds("{path: properties.currency, equals: EUR}")).isTrue();
        assertThat(holds("{path: properties.currency, equals: eur}")).as("case matters").isFalse();
        assertThat(holds("{path: properties.revenue, equals: 42.50}")).as("numbers by value").isTrue();
        assertThat(holds("{path: properties.test, equals: false}")).isTrue();
        assertThat(holds("{path: properties.price_text, equals: 19.99}")).as("a string is not a number").isFalse();
        assertThat(holds("{path: properties.currency, notEquals: USD}")).isTrue();
        assertThat(holds("{path: properties.missing, notEquals: USD}")).as("missing is not equal").isTrue();
        assertThat(holds("{path: properties.currency, notEquals: EUR}")).isFalse();
    }

    @Test
    void inAndNotIn() {
        assertThat(holds("{path: properties.currency, in: [USD, EUR]}")).isTrue();
        assertThat(holds("{path: properties.currency, in: [USD, GBP]}")).isFalse();
        assertThat(holds("{path: properties.revenue, in: [1, 42.5]}")).isTrue();
        assertThat(holds("{path: properties.currency, notIn: [USD, GBP]}")).isTrue();
        assertThat(holds("{path: properties.missing, notIn: [USD]}")).isTrue();
        assertThat(holds("{path: event, notIn: [\"Order Completed\"]}")).isFalse();
    }

    @Test
    void matchesFindsARegularExpression() {
        assertThat(holds("{path: context.page.url, matches: \"/checkout\"}")).isTrue();
        assertThat(holds("{path: context.page.url, matches: \"^https://shop\\\\.example/\"}")).isTrue();
        assertThat(holds("{path: context.page.url, matches: \"^/checkout\"}")).isFalse();
        assertThat(holds("{path: properties.revenue, matches: \"^42\\\\.\"}")).as("numbers as text").isTrue();
    }

    @Test
    void containsATextOrAnElement() {
        assertThat(holds("{path: context.page.url, contains: \"step=2\"}")).isTrue();
        assertThat(holds("{path: properties.tags, contains: sale}")).isTrue();
        assertThat(holds("{path: properties.tags, contains: winter}")).isFalse();
    }

    @Test
    void numericComparisons() {
        assertThat(holds("{path: properties.revenue, gt: 42}")).isTrue();
        assertThat(holds("{path: properties.revenue, gt: 42.5}")).isFalse();
        assertThat(holds("{path: properties.revenue, gte: 42.5}")).isTrue();
        assertThat(holds("{path: properties.revenue, lt: 43}")).isTrue();
        assertThat(holds("{path: properties.revenue, lte: 42}")).isFalse();
        assertThat(holds("{path: properties.price_text, gt: 10}")).as("numeric strings compare as numbers").isTrue();
        assertThat(holds("{path: properties.currency, gt: 0}")).as("text is not comparable").isFalse();
        assertThat(holds("{path: properties.missing, lt: 100}")).isFalse();
    }

    @Test
    void operatorsInOneConditionMustAllHold() {
        assertThat(holds("{path: properties.revenue, gt: 10, lt: 50}")).isTrue();
        assertThat(holds("{path: properties.revenue, gt: 10, lt: 20}")).isFalse();
    }

    @Test
    void conditionsInOneRuleMustAllHold() {
        assertThat(holds("[{path: userId, exists: true}, {path: properties.currency, equals: EUR}]")).isTrue();
        assertThat(holds("[{path: userId, exists: true}, {path: properties.currency, equals: USD}]")).isFalse();
    }

    @Test
    void eachElementPathsMatchWhenAnyElementMatches() {
        assertThat(holds("{path: \"properties.products[].category\", equals: hats}")).isTrue();
        assertThat(holds("{path: \"properties.products[].category\", equals: socks}")).isFalse();
        assertThat(holds("{path: \"properties.products[].category\", notEquals: hats}")).as("no element is hats").isFalse();
        assertThat(holds("{path: \"properties.products[1].sku\", equals: B2}")).isTrue();
    }

    @Test
    void denyIsCheckedBeforeAllow() {
        Object rules = List.of(
                java.util.Map.of("allow", java.util.Map.of("path", "userId", "exists", true)),
                java.util.Map.of("name", "no EUR", "deny", java.util.Map.of("path", "properties.currency", "equals", "EUR")));
        Filters filters = Filters.compile("integration x", "filters", rules);
        assertThat(filters.dropReason(JsonTrees.object(EVENT))).contains("denied by filter 'no EUR' (filters[1])");
    }

    @Test
    void noRulesKeepEverything() {
        assertThat(Filters.compile("integration x", "filters", null).dropReason(JsonTrees.object(EVENT))).isEmpty();
        assertThat(Filters.NONE.dropReason(JsonTrees.object("{}"))).isEmpty();
    }
}
