package io.drover.playbook;

import static io.drover.playbook.Playbooks.transform;
import static io.drover.testing.JsonTrees.assertSameJson;

import org.junit.jupiter.api.Test;

class SpreadingsTest {

    private static final String EVENT = """
            {"type": "track", "event": "X",
             "properties": {"color": "red", "size": 42, "products": [{"sku": "A"}], "secret": "s", "gone": null,
                            "nested": {"a": {"b": 1}, "list": [5, 6]}},
             "traits": {"plan": "pro"}, "tags": ["x", "y"]}
            """;

    @Test
    void anObjectIntoATargetWithPrefixAndExclusions() {
        String yaml = """
                global:
                  spreadings:
                    - {inputKey: properties, outputKey: custom_data, prefix: "p_", exclude: [products, secret, nested]}
                """;
        assertSameJson(transform(yaml, EVENT), "{\"custom_data\": {\"p_color\": \"red\", \"p_size\": 42}}");
    }

    @Test
    void intoTheEventItselfWhenThereIsNoOutputKey() {
        String yaml = "global:\n  spreadings:\n    - {inputKey: traits}\n";
        assertSameJson(transform(yaml, EVENT), "{\"plan\": \"pro\"}");
    }

    @Test
    void anArrayToIndexedKeys() {
        String yaml = "global:\n  spreadings:\n    - {inputKey: tags, outputKey: t, prefix: tag_}\n";
        assertSameJson(transform(yaml, EVENT), "{\"t\": {\"tag_0\": \"x\", \"tag_1\": \"y\"}}");
    }

    @Test
    void withASeparatorNestedValuesAreFlattenedAllTheWay() {
        String yaml = """
                global:
                  spreadings:
                    - {inputKey: properties.nested, outputKey: flat, separator: "_"}
                    - {inputKey: properties.products, outputKey: flat, prefix: item, separator: "."}
                """;
        assertSameJson(transform(yaml, EVENT), """
                {"flat": {"a_b": 1, "list_0": 5, "list_1": 6, "item0.sku": "A"}}
                """);
    }

    @Test
    void mappedKeysWinOverSpreadKeys() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: properties.color, outputKey: custom_data.color, transforms: [uppercase]}
                  spreadings:
                    - {inputKey: properties, outputKey: custom_data, exclude: [products, nested, secret]}
                """;
        assertSameJson(transform(yaml, EVENT), "{\"custom_data\": {\"color\": \"RED\", \"size\": 42}}");
    }

    @Test
    void nothingToSpread() {
        String yaml = """
                global:
                  spreadings:
                    - {inputKey: properties.missing, outputKey: a}
                    - {inputKey: properties.color, outputKey: b}
                """;
        assertSameJson(transform(yaml, EVENT), "{}");
    }
}
