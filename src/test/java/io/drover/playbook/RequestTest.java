package io.drover.playbook;

import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.drover.testing.JsonTrees;

class RequestTest {

    private static final ObjectNode A = JsonTrees.object("{\"n\": 1}");
    private static final ObjectNode B = JsonTrees.object("{\"n\": 2}");

    private static Request request(String yaml) {
        return Playbooks.compile("request:\n" + yaml.indent(2)).request().orElseThrow();
    }

    @Test
    void headersAndEnvelopeAsWrittenPlaceholdersIncluded() {
        Request request = request("""
                headers: {Authorization: "Bearer {{env:ACME_TOKEN}}", X-Version: 2}
                envelope: {api_key: "{{env:ACME_KEY}}", data: {events: "$batch"}, test: false}
                """);
        assertThat(request.headers()).isEqualTo(Map.of("Authorization", "Bearer {{env:ACME_TOKEN}}", "X-Version", "2"));
        assertSameJson(request.wrap(List.of(A, B), 100), """
                {"api_key": "{{env:ACME_KEY}}", "data": {"events": [{"n": 1}, {"n": 2}]}, "test": false}
                """);
        assertSameJson(request.wrap(List.of(B), 1), """
                {"api_key": "{{env:ACME_KEY}}", "data": {"events": [{"n": 2}]}, "test": false}
                """);
    }

    @Test
    void withoutAnEnvelopeTheArrayOrForABatchSizeOfOneTheEvent() {
        Request plain = request("headers: {X-Key: k}\n");
        assertSameJson(plain.wrap(List.of(A, B), 2), "[{\"n\": 1}, {\"n\": 2}]");
        assertSameJson(plain.wrap(List.of(A), 2), "[{\"n\": 1}]");
        assertSameJson(plain.wrap(List.of(A), 1), "{\"n\": 1}");
        assertThatThrownBy(() -> plain.wrap(List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The URL, method and batch size have one home, the module: a playbook that sets them is told where they go. */
    @ParameterizedTest(name = "request.{0} is refused, naming the module parameter")
    @ValueSource(strings = {"endpoint: https://x.example", "method: PUT", "batchSize: 500"})
    void theModulesPartsAreRefusedWithTheParameterToUse(String line) {
        String key = line.substring(0, line.indexOf(':'));
        assertThatThrownBy(() -> request(line + "\n")).isInstanceOf(PlaybookException.class)
                .hasMessageContaining("request." + key)
                .hasMessageContaining("set the module's '" + key + "' parameter instead");
    }

    @Test
    void theRequestIsOptional() {
        assertThat(Playbooks.compile("global: {}").request()).isEmpty();
    }
}
