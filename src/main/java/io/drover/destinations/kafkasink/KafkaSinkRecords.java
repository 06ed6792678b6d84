package io.drover.destinations.kafkasink;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * The Kafka sink's records: each selected event as the JSON Drover stored, keyed by userId, else anonymousId, so
 * that one user's events land in one partition of the target topic, in order. The body becomes a list of messages,
 * which camel-kafka sends as one record each (its own {@code kafka.KEY}) and, with {@code synchronous=true}, waits
 * for the broker to acknowledge them all.
 */
public class KafkaSinkRecords implements org.apache.camel.Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        List<Message> records = new ArrayList<>(events.size());
        for (ObjectNode event : events) {
            Message record = new DefaultMessage(exchange.getContext());
            record.setBody(MAPPER.writeValueAsString(event));
            String key = key(event);
            if (key != null) {
                record.setHeader(KafkaConstants.KEY, key);
            }
            records.add(record);
        }
        exchange.getIn().setBody(records);
    }

    /** userId, else anonymousId; {@code null} when neither (Kafka then spreads the record over partitions). */
    static String key(ObjectNode event) {
        String userId = event.path("userId").asText("");
        if (!userId.isEmpty()) {
            return userId;
        }
        String anonymousId = event.path("anonymousId").asText("");
        return anonymousId.isEmpty() ? null : anonymousId;
    }
}
