package io.drover.integration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Dead letters: one record per undelivered event in {@code drover.dlq.<integration>}, keyed like the event, holding
 * the event as it was read, the request sent, the vendor's answer, the attempts and their times; everything needed to
 * understand the failure and to replay it. Written through the route {@code dead-letter} ({@code routes/dead-letter.yaml}).
 */
public final class DeadLetters {

    public static final String ENDPOINT_URI = "direct:dead-letter";
    /** Exchange property where the delivery step leaves the request it sent (method, url, body). */
    public static final String REQUEST = "drover.request";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetters() {
    }

    public static String topic(String integration) {
        return "drover.dlq." + integration;
    }

    static List<Message> messages(CamelContext context, String integration, List<EventRecord> records, Throwable failure,
                                  int attempts, long firstAttempt, long lastAttempt, ObjectNode request) {
        List<Message> messages = new ArrayList<>(records.size());
        for (EventRecord r : records) {
            ObjectNode letter = MAPPER.createObjectNode();
            letter.put("integration", integration);
            letter.put("reason", failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
            if (failure instanceof DeliveryException d) {
                letter.put("status", d.status());
                letter.put("responseBody", d.responseBody());
                letter.put("retryable", d.retryable());
            }
            letter.put("attempts", attempts);
            letter.put("firstAttemptAt", Instant.ofEpochMilli(firstAttempt).toString());
            letter.put("lastAttemptAt", Instant.ofEpochMilli(lastAttempt).toString());
            letter.put("sourcePartition", r.partition());
            letter.put("sourceOffset", r.offset());
            if (request != null) {
                letter.set("request", request);
            }
            letter.set("event", r.event());
            Message m = new DefaultMessage(context);
            m.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic(integration));
            if (r.key() != null) {
                m.setHeader(KafkaConstants.KEY, r.key());
            }
            m.setBody(letter.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            messages.add(m);
        }
        return messages;
    }
}
