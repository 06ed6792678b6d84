package io.drover.playbook;

import static io.drover.playbook.Playbooks.apply;
import static io.drover.playbook.Playbooks.compileError;
import static io.drover.playbook.Playbooks.transform;
import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.drover.testing.JsonTrees;

class MappingsTest {

    private static final String ORDER = """
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m-1",
             "timestamp": "2024-05-01T10:00:00.000Z",
             "properties": {"order_id": "o-9", "revenue": 42.5, "currency": "eur", "coupon": null,
               "products": [{"sku": "A1", "price": 10, "quantity": 2, "tags": ["x", "y"]},
                            {"sku": "B2", "price": 22.5, "tags": ["z"]},
                            {"price": 0}]},
             "context": {"page": {"url": "https://shop.example/checkout"}, "campaign.name": "spring"}}
            """;

    @Test
    void nestedPathsBothWays() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: properties.order_id, outputKey: custom_data.order_id}
                    - {inputKey: properties.revenue, outputKey: custom_data.value}
                    - {inputKey: context.page.url, outputKey: event_source_url}
                    - {inputKey: userId, outputKey: user.id}
                """;
        assertSameJson(transform(yaml, ORDER), """
                {"custom_data": {"order_id": "o-9", "value": 42.5},
                 "event_source_url": "https://shop.example/checkout",
                 "user": {"id": "u1"}}
                """);
    }

    @Test
    void arraysMapElementByElementAndStayAligned() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: "properties.products[].sku", outputKey: "contents[].id"}
                    - {inputKey: "properties.products[].quantity", outputKey: "contents[].quantity"}
                    - {inputKey: "properties.products[].price", outputKey: "contents[].item_price", transforms: [toFloat]}
                """;
        assertSameJson(transform(yaml, ORDER), """
                {"contents": [{"id": "A1", "quantity": 2, "item_price": 10.0},
                              {"id": "B2", "item_price": 22.5},
                              {"item_price": 0.0}]}
                """);
    }

    @Test
    void aDefaultFillsMissingElementValues() {
        String yaml = """
                global:
                  mappings:
                    - inputKey: "properties.products[].quantity"
                      outputKey: "items[].qty"
                      default: 1
                """;
        assertSameJson(transform(yaml, ORDER), "{\"items\": [{\"qty\": 2}, {\"qty\": 1}, {\"qty\": 1}]}");
    }

    @Test
    void extraInputLevelsAreGatheredIntoOneArray() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: "properties.products[].sku", outputKey: content_ids}
                    - {inputKey: "properties.products[].tags[]", outputKey: all_tags, transforms: [{join: "|"}]}
                    - {inputKey: "properties.products[].tags", outputKey: "items[].tags"}
                """;
        assertSameJson(transform(yaml, ORDER), """
                {"content_ids": ["A1", "B2"], "all_tags": "x|y|z",
                 "items": [{"tags": ["x", "y"]}, {"tags": ["z"]}, {}]}
                """);
    }

    @Test
    void numericIndexesAndQuotedNames() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: "properties.products[1].sku", outputKey: second_sku}
                    - {inputKey: "properties.products[0].tags[1]", outputKey: "slots[2]"}
                    - {inputKey: "context['campaign.name']", outputKey: "utm['campaign.name']"}
                    - {inputKey: "properties.products[7].sku", outputKey: missing}
                """;
        assertSameJson(transform(yaml, ORDER), """
                {"second_sku": "B2", "slots": [null, null, "y"], "utm": {"campaign.name": "spring"}}
                """);
    }

    @Test
    void constantsAndTheWholeEvent() {
        String yaml = """
                global:
                  mappings:
                    - {value: website, outputKey: action_source}
                    - {value: {source: drover, version: 2}, outputKey: partner}
                    - {value: "ACME", outputKey: brand, transforms: [lowercase]}
                    - {inputKey: $, outputKey: raw}
                """;
        String event = "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}}";
        assertSameJson(transform(yaml, event), """
                {"action_source": "website", "partner": {"source": "drover", "version": 2}, "brand": "acme",
                 "raw": {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}}
                """);
    }

    @Test
    void missingOrNullInputWritesNothingWithoutADefault() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: properties.coupon, outputKey: custom_data.coupon}
                    - {inputKey: properties.nothing, outputKey: custom_data.nothing}
                    - {inputKey: "properties.nothing[].sku", outputKey: "contents[].id"}
                """;
        assertSameJson(transform(yaml, ORDER), "{}");
    }

    @Test
    void typedDefaults() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: properties.a, outputKey: as_yaml_int, default: 0}
                    - {inputKey: properties.a, outputKey: as_yaml_text, default: "n/a"}
                    - {inputKey: properties.a, outputKey: string, default: {type: string, value: 12}}
                    - {inputKey: properties.a, outputKey: integer, default: {type: integer, value: "7"}}
                    - {inputKey: properties.a, outputKey: float, default: {type: float, value: 0}}
                    - {inputKey: properties.a, outputKey: boolean, default: {type: boolean, value: false}}
                    - {inputKey: properties.a, outputKey: "null", default: {type: null}}
                    - {inputKey: properties.a, outputKey: yaml_null, default: null}
                    - {inputKey: properties.a, outputKey: list, default: []}
                """;
        assertSameJson(transform(yaml, ORDER), """
                {"as_yaml_int": 0, "as_yaml_text": "n/a", "string": "12", "integer": 7, "float": 0.0,
                 "boolean": false, "null": null, "yaml_null": null, "list": []}
                """);
    }

    @Test
    void aFailedTransformUsesTheDefaultWhenThereIsOne() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: properties.currency, outputKey: n, transforms: [toInteger], default: -1}
                """;
        assertSameJson(transform(yaml, ORDER), "{\"n\": -1}");
    }

    @Test
    void laterMappingsOverwriteEarlierOnes() {
        String yaml = """
                global:
                  mappings:
                    - {value: first, outputKey: x}
                    - {value: second, outputKey: x}
                """;
        assertSameJson(transform(yaml, ORDER), "{\"x\": \"second\"}");
    }

    @Test
    void writingThroughAValueOfAnotherKindFailsTheEvent() {
        String yaml = """
                global:
                  mappings:
                    - {value: text, outputKey: user}
                    - {inputKey: userId, outputKey: user.id}
                """;
        Result result = apply(yaml, ORDER);
        assertThat(result.outcome()).isEqualTo(Result.Outcome.FAILED);
        assertThat(result.reason()).isEqualTo(
                "global.mappings[1] (userId -> user.id): 'user' already holds a string, not an object");
    }

    @Test
    void theInputEventIsNotChanged() {
        String yaml = """
                global:
                  mappings:
                    - {inputKey: properties, outputKey: props}
                    - {inputKey: properties.currency, outputKey: props.currency, transforms: [uppercase]}
                """;
        var event = JsonTrees.object(ORDER);
        var before = event.deepCopy();
        Result result = Playbooks.compile(yaml).apply(event);
        assertThat(result.output().at("/props/currency").asText()).isEqualTo("EUR");
        assertThat(event).isEqualTo(before);
    }

    /** LinkedIn's user.userIds: one object per id the event has, from several mappings; none when it has none. */
    @Test
    void anOutputKeyEndingInPlusAppendsToTheArray() {
        String yaml = """
                global:
                  mappings:
                    - {value: [], outputKey: user.ids}
                    - inputKey: email
                      outputKey: "user.ids[+]"
                      transforms: [sha256, {wrap: {key: idValue, with: {idType: SHA256_EMAIL} } }]
                    - inputKey: click
                      outputKey: "user.ids[+]"
                      transforms: [{wrap: {key: idValue, with: {idType: CLICK} } }]
                    - {inputKey: tags, outputKey: "more[+]"}
                """;
        assertSameJson(transform(yaml, "{\"email\":\"a@b.c\",\"click\":\"c-1\",\"tags\":[\"x\"]}"), """
                {"user": {"ids": [
                  {"idType": "SHA256_EMAIL", "idValue": "%s"},
                  {"idType": "CLICK", "idValue": "c-1"}]},
                 "more": [["x"]]}
                """.formatted(sha256("a@b.c")));
        assertSameJson(transform(yaml, "{\"click\":\"c-2\"}"),
                "{\"user\": {\"ids\": [{\"idType\": \"CLICK\", \"idValue\": \"c-2\"}]}}");
        assertSameJson(transform(yaml, "{}"), "{\"user\": {\"ids\": []}}");
    }

    @Test
    void appendingToSomethingThatIsNotAnArrayFailsTheEvent() {
        Result r = apply("""
                global:
                  mappings:
                    - {value: text, outputKey: ids}
                    - {inputKey: a, outputKey: "ids[+]"}
                """, "{\"a\": 1}");
        assertThat(r.outcome()).isEqualTo(Result.Outcome.FAILED);
        assertThat(r.reason()).contains("ids[+]").contains("not an array to add to");
        assertThat(compileError("""
                global:
                  mappings:
                    - {inputKey: "a[].b", outputKey: "x[].ids[+]"}
                """)).contains("no [] before the [+]");
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
