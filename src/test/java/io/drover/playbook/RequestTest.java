package io.drover.playbook;

import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.drover.testing.JsonTrees;

class RequestTest {

    private static final ObjectNode A = JsonTrees.object("{\"n\": 1}");
    private static final ObjectNode B = JsonTrees.object("{\"n\": 2}");

    private static Request request(String yaml) {
        return Playbooks.compile("request:\n" + yaml.indent(2)).request().orElseThrow();
    }

    @Test
    void everyPartAsWrittenPlaceholdersIncluded() {
        Request request = request("""
                method: put
                endpoint: "https://api.acme.example/v2/events?key={{env:ACME_KEY}}"
                headers: {Authorization: "Bearer {{env:ACME_TOKEN}}", X-Version: 2}
                envelope: {api_key: "{{env:ACME_KEY}}", data: {events: "$batch"}, test: false}
                batchSize: 100
                """);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.endpoint()).isEqualTo("https://api.acme.example/v2/events?key={{env:ACME_KEY}}");
        assertThat(request.headers()).isEqualTo(Map.of("Authorization", "Bearer {{env:ACME_TOKEN}}", "X-Version", "2"));
        assertThat(request.batchSize()).isEqualTo(100);
        assertSameJson(request.wrap(List.of(A, B)), """
                {"api_key": "{{env:ACME_KEY}}", "data": {"events": [{"n": 1}, {"n": 2}]}, "test": false}
                """);
        assertSameJson(request.wrap(List.of(B)), """
                {"api_key": "{{env:ACME_KEY}}", "data": {"events": [{"n": 2}]}, "test": false}
                """);
    }

    @Test
    void withoutAnEnvelopeTheArrayOrTheSingleEvent() {
        Request batched = request("endpoint: https://x.example\nbatchSize: 2\n");
        assertThat(batched.method()).isEqualTo("POST");
        assertThat(batched.headers()).isEmpty();
        assertSameJson(batched.wrap(List.of(A, B)), "[{\"n\": 1}, {\"n\": 2}]");
        assertSameJson(batched.wrap(List.of(A)), "[{\"n\": 1}]");

        Request single = request("endpoint: https://x.example\n");
        assertThat(single.batchSize()).isEqualTo(1);
        assertSameJson(single.wrap(List.of(A)), "{\"n\": 1}");
    }

    @Test
    void aBatchLargerThanTheBatchSizeIsRefused() {
        Request request = request("endpoint: https://x.example\nbatchSize: 1\n");
        assertThatThrownBy(() -> request.wrap(List.of(A, B))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a batch has 1 to 1 events, got 2");
        assertThatThrownBy(() -> request.wrap(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRequestIsOptional() {
        assertThat(Playbooks.compile("global: {}").request()).isEmpty();
    }
}
