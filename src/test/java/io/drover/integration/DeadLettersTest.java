package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The records of a dead-letter write: one per request, one per event naming it, each cut to fit when too large. */
class DeadLettersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int LIMIT = 1_048_576;

    @Test
    void aRequestIsWrittenOnceAndEachRecordIsCutToFitSayingSo() throws Exception {
        // A 3 MB body full of characters JSON escapes, and a vendor answer of 2 MB (a reader that kept it all).
        String body = "{\"batch\":[\"" + "\"\\\u00e9\u0001".repeat(600_000) + "\"]}";
        VendorRequest request = new VendorRequest("POST", "https://vendor.example/v1?api_key=s3cret", Map.of(), body,
                List.of(), null);
        ObjectNode event = MAPPER.createObjectNode().put("messageId", "m-1").put("pad", "p".repeat(30_000));
        List<DeadLetters.Entry> entries = List.of(
                new DeadLetters.Entry(new EventRecord("user-1", 2, 40, event, null),
                        new DeliveryException("the vendor answered HTTP 400", 400, "e".repeat(2_000_000), false, -1), request),
                new DeadLetters.Entry(new EventRecord("user-1", 2, 41, event.deepCopy().put("messageId", "m-2"), null),
                        new DeliveryException("the vendor answered HTTP 400", 400, "short", false, -1), request));
        DeadLetters.Write write = new DeadLetters.Write("acme", entries, 1, 1_000, 2_000);

        try (DefaultCamelContext context = new DefaultCamelContext()) {
            List<Message> requests = write.requestMessages(context, LIMIT);
            assertThat(requests).hasSize(1);
            Message r = requests.get(0);
            byte[] bytes = r.getBody(byte[].class);
            assertThat(bytes.length + r.getHeader(KafkaConstants.KEY, String.class).length()).isLessThanOrEqualTo(LIMIT - 1024);
            assertThat(r.getHeader(DeadLetters.KIND_HEADER)).isEqualTo("request");
            assertThat(r.getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo("drover.dlq.acme");
            JsonNode record = MAPPER.readTree(bytes);
            assertThat(r.getHeader(KafkaConstants.KEY, String.class)).isEqualTo("request:" + record.get("id").asText());
            assertThat(record.get("url").asText()).isEqualTo("https://vendor.example/v1?api_key=xxxxxx");
            assertThat(record.get("truncated").asBoolean()).isTrue();
            assertThat(record.get("cut").toString()).isEqualTo("[\"body\"]");
            assertThat(record.get("bodyBytes").asInt()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
            assertThat(record.get("originalBytes").asInt()).isGreaterThan(LIMIT);
            assertThat(body).startsWith(record.get("body").asText());
            // Cut near the limit, not far below it.
            assertThat(bytes.length).isGreaterThan(LIMIT - 64 * 1024);

            List<Message> letters = write.letterMessages(context, LIMIT);
            assertThat(letters).hasSize(2);
            JsonNode first = MAPPER.readTree(letters.get(0).getBody(byte[].class));
            JsonNode second = MAPPER.readTree(letters.get(1).getBody(byte[].class));
            assertThat(letters.get(0).getBody(byte[].class).length).isLessThanOrEqualTo(LIMIT - 1024);
            assertThat(letters.get(0).getHeader(DeadLetters.KIND_HEADER)).isEqualTo("letter");
            assertThat(letters.get(0).getHeader(KafkaConstants.KEY)).isEqualTo("user-1");
            assertThat(first.get("requestId").asText()).isEqualTo(record.get("id").asText());
            assertThat(second.get("requestId").asText()).isEqualTo(record.get("id").asText());
            assertThat(first.has("request")).isFalse();
            assertThat(first.get("truncated").asBoolean()).isTrue();
            assertThat(first.get("cut").toString()).isEqualTo("[\"responseBody\"]");
            assertThat(first.get("responseBody").asText()).startsWith("eeee");
            assertThat(first.get("event")).isEqualTo(event);   // never cut
            assertThat(first.get("sourcePartition").asInt()).isEqualTo(2);
            assertThat(first.get("sourceOffset").asLong()).isEqualTo(40);
            assertThat(second.has("truncated")).isFalse();
            assertThat(second.get("responseBody").asText()).isEqualTo("short");

            // Tried again: the same request id.
            JsonNode again = MAPPER.readTree(write.requestMessages(context, LIMIT / 4).get(0).getBody(byte[].class));
            assertThat(again.get("id")).isEqualTo(record.get("id"));
        }
    }

    @Test
    void aRecordThatFitsIsLeftAlone() {
        ObjectNode record = MAPPER.createObjectNode().put("body", "small");
        assertThat(new String(DeadLetters.fit(record, 1000, "body"), StandardCharsets.UTF_8)).isEqualTo("{\"body\":\"small\"}");
    }
}
