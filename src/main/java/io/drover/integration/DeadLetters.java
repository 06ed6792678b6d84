package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.VendorRequest;
import io.drover.support.Redactor;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.DefaultMessage;

/**
 * Dead letters in {@code drover.dlq.<integration>}, written through the route {@code dead-letter}
 * ({@code routes/dead-letter.yaml}), in two sends per batch:
 * <ul>
 * <li>first one <em>request record</em> per failed request (header {@code drover.kind=request}, key
 * {@code request:<id>}): {@code {kind, id, integration, method, url (secrets masked), body, bodyBytes}};</li>
 * <li>then, once those are acknowledged, one <em>letter</em> per undelivered event (header {@code drover.kind=letter}, keyed like the event): the
 * event as read, the reason, the vendor's status and answer, the attempts and their times, where it was read, and the
 * {@code requestId} of the request that carried it. A request is never copied into its letters: 100 events of 12 KB
 * made 100 letters of 1.2 MB each, over the producer's limit.</li>
 * </ul>
 * Two sends, not one: when a request record was refused (too large for a topic whose limit was lowered), the letters
 * sent with it were written all the same, naming a request that was not there, and trying the send again wrote them
 * twice. A letter is now never written before the request it names.
 * A record that would not fit under the producer's and the topic's limits is cut to fit and says so
 * ({@code truncated}, {@code originalBytes}, {@code cut}: the fields cut): a request record loses the end of its
 * {@code body} (then of its {@code url}), a letter the end of its {@code responseBody} (then of its {@code reason}).
 * The event is never cut (ingestion keeps it under 32 KB).
 */
public final class DeadLetters {

    public static final String ENDPOINT_URI = "direct:dead-letter";
    /** Kafka header telling the two kinds of record of a dead-letter topic apart. */
    public static final String KIND_HEADER = "drover.kind";
    public static final String KIND_REQUEST = "request";
    public static final String KIND_LETTER = "letter";
    /** Key prefix of a request record. */
    public static final String REQUEST_KEY_PREFIX = "request:";
    /** Kafka's defaults: the producer's max.request.size (the broker's message.max.bytes is 12 bytes more). */
    static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;
    /** Room for a record's framing and headers beside its key and value (Kafka's own overhead is under 100 bytes). */
    static final int RECORD_OVERHEAD = 4096;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetters() {
    }

    public static String topic(String integration) {
        return "drover.dlq." + integration;
    }

    /** One event to dead-letter: why, and the request that carried it ({@code null}: none was sent). */
    record Entry(EventRecord record, Throwable failure, VendorRequest request) {
    }

    /**
     * The records of one dead-letter write, made once: when the write fails it is tried again with the same request
     * ids, and with a smaller limit if Kafka said a record was too large.
     */
    static final class Write {
        private final String integration;
        private final List<Entry> entries;
        private final int attempts;
        private final long firstAttempt;
        private final long lastAttempt;
        private final Map<VendorRequest, String> ids = new IdentityHashMap<>();

        Write(String integration, List<Entry> entries, int attempts, long firstAttempt, long lastAttempt) {
            this.integration = integration;
            this.entries = List.copyOf(entries);
            this.attempts = attempts;
            this.firstAttempt = firstAttempt;
            this.lastAttempt = lastAttempt;
            for (Entry e : entries) {
                if (e.request() != null) {
                    ids.computeIfAbsent(e.request(), r -> UUID.randomUUID().toString());
                }
            }
        }

        int letterCount() {
            return entries.size();
        }

        /** One record per request of the letters, written (and acknowledged) before them. */
        List<Message> requestMessages(CamelContext context, int maxRecordBytes) {
            List<Message> messages = new ArrayList<>(ids.size());
            ids.forEach((request, id) -> {
                String key = REQUEST_KEY_PREFIX + id;
                messages.add(message(context, topic(integration), key, KIND_REQUEST,
                        fit(requestRecord(id, request), valueLimit(maxRecordBytes, key), "body", "url")));
            });
            return messages;
        }

        /** One letter per event, naming its request by {@code requestId}. */
        List<Message> letterMessages(CamelContext context, int maxRecordBytes) {
            List<Message> messages = new ArrayList<>(entries.size());
            for (Entry e : entries) {
                String key = e.record().key();
                messages.add(message(context, topic(integration), key, KIND_LETTER,
                        fit(letter(e), valueLimit(maxRecordBytes, key), "responseBody", "reason")));
            }
            return messages;
        }

        private ObjectNode requestRecord(String id, VendorRequest request) {
            String body = request.body() == null ? "" : request.body();
            ObjectNode r = MAPPER.createObjectNode();
            r.put("kind", KIND_REQUEST);
            r.put("id", id);
            r.put("integration", integration);
            ObjectNode described = VendorCall.describeRequest(request.method(), request.url(), body);
            r.setAll(described);
            r.put("bodyBytes", body.getBytes(StandardCharsets.UTF_8).length);
            return r;
        }

        private ObjectNode letter(Entry e) {
            Throwable failure = e.failure();
            ObjectNode letter = MAPPER.createObjectNode();
            letter.put("integration", integration);
            // Every text a letter carries passes the Redactor: an exception's message may quote a URL with its token,
            // and a vendor may echo the request.
            letter.put("reason", Redactor.redact(failure.getMessage() == null ? failure.getClass().getSimpleName()
                    : failure.getMessage()));
            if (failure instanceof DeliveryException d) {
                letter.put("status", d.status());
                letter.put("responseBody", Redactor.redact(d.responseBody()));
                letter.put("retryable", d.retryable());
            }
            letter.put("attempts", attempts);
            letter.put("firstAttemptAt", Instant.ofEpochMilli(firstAttempt).toString());
            letter.put("lastAttemptAt", Instant.ofEpochMilli(lastAttempt).toString());
            letter.put("sourcePartition", e.record().partition());
            letter.put("sourceOffset", e.record().offset());
            if (e.request() != null) {
                letter.put("requestId", ids.get(e.request()));
            }
            letter.set("event", e.record().event());
            return letter;
        }
    }

    private static int valueLimit(int maxRecordBytes, String key) {
        int keyBytes = key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length;
        return maxRecordBytes - keyBytes - RECORD_OVERHEAD;
    }

    private static Message message(CamelContext context, String topic, String key, String kind, byte[] value) {
        Message m = new DefaultMessage(context);
        m.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
        if (key != null) {
            m.setHeader(KafkaConstants.KEY, key);
        }
        m.setHeader(KIND_HEADER, kind);
        m.setBody(value);
        return m;
    }

    /**
     * The record's JSON, at most {@code limit} bytes: when it is larger, the given text fields are cut from their end,
     * in order, each only as far as needed, and the record says what was cut and how large it was. A field that is
     * JSON (a request's body) becomes its text, cut.
     */
    static byte[] fit(ObjectNode record, int limit, String... fields) {
        byte[] bytes = write(record);
        if (bytes.length <= limit) {
            return bytes;
        }
        int original = bytes.length;
        ArrayNode cut = MAPPER.createArrayNode();
        record.put("truncated", true);
        record.put("originalBytes", original);
        record.set("cut", cut);
        for (String field : fields) {
            JsonNode value = record.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            String text = value.isTextual() ? value.asText() : value.toString();
            cut.add(field);
            record.put(field, "");
            int without = write(record).length;
            if (without > limit) {
                continue;   // even empty it does not fit: cut the next field too
            }
            // Cut so that the escaped text fits: shrink in proportion until it does (escaping makes bytes != chars).
            int length = text.length();
            while (length > 0) {
                record.put(field, prefix(text, length));
                int size = write(record).length;
                if (size <= limit) {
                    return write(record);
                }
                long room = limit - without;
                length = (int) Math.min(length - 1, Math.max(0, (long) length * room / Math.max(1, size - without) - 16));
            }
            record.put(field, "");
            return write(record);
        }
        return write(record);
    }

    /** The first {@code length} chars, not splitting a surrogate pair. */
    private static String prefix(String text, int length) {
        if (length >= text.length()) {
            return text;
        }
        if (length > 0 && Character.isHighSurrogate(text.charAt(length - 1))) {
            length--;
        }
        return text.substring(0, length);
    }

    private static byte[] write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The largest record the dead-letter route can write: the smaller of its producer's {@code max.request.size} (the
     * {@code kafka:drover.dlq} endpoint's, else the kafka component's, else Kafka's default) and the topic's
     * {@code max.message.bytes} when known ({@code topicMaxMessageBytes <= 0}: unknown).
     */
    static int maxRecordBytes(CamelContext context, int topicMaxMessageBytes) {
        Integer producer = null;
        for (Endpoint e : context.getEndpoints()) {
            if (e instanceof KafkaEndpoint k && "drover.dlq".equals(k.getConfiguration().getTopic())) {
                producer = k.getConfiguration().getMaxRequestSize();
            }
        }
        if (producer == null && context.hasComponent("kafka") instanceof KafkaComponent k) {
            producer = k.getConfiguration().getMaxRequestSize();
        }
        int limit = producer == null || producer <= 0 ? DEFAULT_MAX_RECORD_BYTES : producer;
        return topicMaxMessageBytes > 0 ? Math.min(limit, topicMaxMessageBytes) : limit;
    }
}
