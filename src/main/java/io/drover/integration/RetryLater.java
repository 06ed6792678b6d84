package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Events a vendor said came too early (Google Ads' {@code TOO_RECENT_EVENT}: "Retry after 6 hours have passed"), kept
 * in {@code drover.retry.<integration>} until the time it named. Each record is the event as stored, keyed like it,
 * with its due time ({@code drover.due-at}, epoch ms), how many times it was put off ({@code drover.deferrals}) and
 * the vendor's words ({@code drover.reason}). The integration's consumer reads the topic beside {@code drover.events}
 * and holds each record until it is due, as it holds events for the module's {@code delay}: held records are never
 * committed, so they survive a restart, and they show as the consumer's lag. Written through the route
 * {@code retry-later} ({@code routes/dead-letter.yaml}), before the batch's offsets are committed.
 */
public final class RetryLater {

    public static final String ENDPOINT_URI = "direct:retry-later";
    public static final String DUE_HEADER = "drover.due-at";
    public static final String DEFERRALS_HEADER = "drover.deferrals";
    public static final String REASON_HEADER = "drover.reason";
    /** An event put off this many times is dead-lettered the next time the vendor says it is too early. */
    public static final int MAX_DEFERRALS = 3;

    private RetryLater() {
    }

    public static String topic(String integration) {
        return "drover.retry." + integration;
    }

    /** One event to send again later. */
    record Entry(EventRecord record, long dueAtMillis, int deferrals, String reason) {
    }

    static List<Message> messages(CamelContext context, String integration, List<Entry> entries) {
        List<Message> messages = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Message m = new DefaultMessage(context);
            m.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic(integration));
            if (e.record().key() != null) {
                m.setHeader(KafkaConstants.KEY, e.record().key());
            }
            m.setHeader(DUE_HEADER, Long.toString(e.dueAtMillis()));
            m.setHeader(DEFERRALS_HEADER, Integer.toString(e.deferrals()));
            m.setHeader(REASON_HEADER, e.reason().length() > 500 ? e.reason().substring(0, 500) : e.reason());
            m.setBody(e.record().json());
            messages.add(m);
        }
        return messages;
    }

    /** The due time a record of the retry topic carries; -1 for any other record. */
    static long dueAt(ConsumerRecord<?, ?> record) {
        return number(record, DUE_HEADER);
    }

    /** How many times the record's event was put off already (0 for a record of drover.events). */
    static int deferrals(ConsumerRecord<?, ?> record) {
        return (int) Math.max(0, number(record, DEFERRALS_HEADER));
    }

    private static long number(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
