package io.drover.playbook;

import static io.drover.playbook.Playbooks.apply;
import static io.drover.playbook.Playbooks.transform;
import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpressionsTest {

    private static final String EVENT = """
            {"type": "track", "event": "Order Completed", "userId": "u1",
             "properties": {"revenue": 42.5, "products": [{"sku": "A", "price": 10}, {"sku": "B", "price": 32.5}]}}
            """;

    @Test
    void simpleAndJsonpath() {
        String yaml = """
                global:
                  expressions:
                    - {outputKey: label, simple: "${body.get('event').asText()} by ${body.get('userId').asText()}"}
                    - {outputKey: revenue, simple: "${jsonpath($.properties.revenue)}"}
                    - {outputKey: skus, jsonpath: "$.properties.products[*].sku"}
                    - {outputKey: expensive, jsonpath: "$.properties.products[?(@.price > 20)].sku", transforms: [{join: ","}]}
                    - {outputKey: count, jsonpath: "$.properties.products.length()"}
                    - {outputKey: props.first, jsonpath: "$.properties.products[0]"}
                """;
        assertSameJson(transform(yaml, EVENT), """
                {"label": "Order Completed by u1", "revenue": 42.5, "skus": ["A", "B"], "expensive": "B", "count": 2,
                 "props": {"first": {"sku": "A", "price": 10}}}
                """);
    }

    @Test
    void nothingFoundIsMissing() {
        String yaml = """
                global:
                  expressions:
                    - {outputKey: a, jsonpath: "$.properties.coupon"}
                    - {outputKey: b, jsonpath: "$.properties.coupon", default: none}
                    - {outputKey: c, simple: "${body.get('nothing')}"}
                """;
        assertSameJson(transform(yaml, EVENT), "{\"b\": \"none\"}");
    }

    @Test
    void aFailingExpressionFailsTheEventWithoutQuotingIt() {
        String yaml = "global:\n  expressions:\n    - {outputKey: x, simple: \"${body.nope}\"}\n";
        Result result = apply(yaml, EVENT);
        assertThat(result.outcome()).isEqualTo(Result.Outcome.FAILED);
        assertThat(result.reason()).isEqualTo(
                "global.expressions[0] (simple -> x): the simple expression failed (MethodNotFoundException)");
        assertThat(result.cause()).isPresent();
    }
}
