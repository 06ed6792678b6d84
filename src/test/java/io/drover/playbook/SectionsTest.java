package io.drover.playbook;

import static io.drover.playbook.Playbooks.apply;
import static io.drover.playbook.Playbooks.transform;
import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which sections an event goes through, in which order, and what their filters do. */
class SectionsTest {

    private static final String YAML = """
            name: acme
            global:
              filters:
                - name: internal traffic
                  deny: {path: context.ip, in: ["10.0.0.1", "10.0.0.2"]}
              mappings:
                - {inputKey: messageId, outputKey: id}
                - {value: global, outputKey: section}
            default:
              mappings:
                - {value: default, outputKey: section}
                - {inputKey: type, outputKey: kind}
            eventSpecific:
              "Order Completed":
                filters:
                  - allow: {path: properties.revenue, gt: 0}
                  - allow: {path: properties.free, equals: true}
                mappings:
                  - {value: order, outputKey: section}
                  - {inputKey: properties.revenue, outputKey: value}
              page:
                mappings:
                  - {value: page, outputKey: section}
                  - {inputKey: name, outputKey: page_name}
            """;

    @Test
    void globalThenTheEventSpecificSection() {
        String event = "{\"type\":\"track\",\"event\":\"Order Completed\",\"messageId\":\"m1\",\"properties\":{\"revenue\":5}}";
        assertSameJson(transform(YAML, event), "{\"id\": \"m1\", \"section\": \"order\", \"value\": 5}");
    }

    @Test
    void eventsOtherThanTrackAreKeyedByType() {
        String event = "{\"type\":\"page\",\"name\":\"Home\",\"messageId\":\"m2\"}";
        assertSameJson(transform(YAML, event), "{\"id\": \"m2\", \"section\": \"page\", \"page_name\": \"Home\"}");
    }

    @Test
    void eventsWithoutASectionGoThroughDefault() {
        String track = "{\"type\":\"track\",\"event\":\"Signed Up\",\"messageId\":\"m3\"}";
        assertSameJson(transform(YAML, track), "{\"id\": \"m3\", \"section\": \"default\", \"kind\": \"track\"}");
        String identify = "{\"type\":\"identify\",\"messageId\":\"m4\"}";
        assertSameJson(transform(YAML, identify), "{\"id\": \"m4\", \"section\": \"default\", \"kind\": \"identify\"}");
    }

    @Test
    void anEmptySectionMeansGlobalOnly() {
        String yaml = YAML.replace("eventSpecific:\n", "eventSpecific:\n  \"Signed Up\": {}\n");
        assertSameJson(transform(yaml, "{\"type\":\"track\",\"event\":\"Signed Up\",\"messageId\":\"m7\"}"),
                "{\"id\": \"m7\", \"section\": \"global\"}");
    }

    @Test
    void withoutDefaultOnlyGlobalApplies() {
        String yaml = "global:\n  mappings:\n    - {inputKey: messageId, outputKey: id}\n";
        assertSameJson(transform(yaml, "{\"type\":\"track\",\"event\":\"X\",\"messageId\":\"m5\"}"), "{\"id\": \"m5\"}");
    }

    @Test
    void aDenyFilterDropsTheEventAndNamesTheFilter() {
        String event = "{\"type\":\"page\",\"context\":{\"ip\":\"10.0.0.2\"}}";
        Result result = apply(YAML, event);
        assertThat(result.outcome()).isEqualTo(Result.Outcome.DROPPED);
        assertThat(result.reason()).isEqualTo("denied by filter 'internal traffic' (global.filters[0])");
    }

    @Test
    void whenNoAllowFilterMatchesTheEventIsDropped() {
        String event = "{\"type\":\"track\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":0}}";
        Result result = apply(YAML, event);
        assertThat(result.outcome()).isEqualTo(Result.Outcome.DROPPED);
        assertThat(result.reason()).isEqualTo("no allow filter of eventSpecific.\"Order Completed\".filters matched");
    }

    @Test
    void anyMatchingAllowFilterKeepsTheEvent() {
        String event = "{\"type\":\"track\",\"event\":\"Order Completed\",\"messageId\":\"m6\",\"properties\":{\"revenue\":0,\"free\":true}}";
        assertSameJson(transform(YAML, event), "{\"id\": \"m6\", \"section\": \"order\", \"value\": 0}");
    }

    @Test
    void anUnnamedFilterIsNamedByItsPlace() {
        String yaml = "default:\n  filters:\n    - deny: {path: userId, notExists: true}\n";
        Result result = apply(yaml, "{\"type\":\"track\",\"event\":\"X\",\"anonymousId\":\"a\"}");
        assertThat(result.reason()).isEqualTo("denied by filter default.filters[0]");
    }
}
