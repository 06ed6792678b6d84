package io.drover.buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Writes accepted messages to the durable buffer through the {@code buffer-events} route ({@code routes/buffer.yaml}:
 * {@code direct:buffer} to the Kafka topic), asynchronously: the caller learns through its callback when Kafka has
 * acknowledged every record (acks=all, idempotent producer), and no thread waits meanwhile.
 */
public final class EventBuffer extends ServiceSupport {

    /** Kafka record header naming the source an event came from. */
    public static final String SOURCE_HEADER = "drover.source";
    /**
     * Kafka record header with the event's dedupe key (8 bytes, big-endian: a hash of its source and the client's
     * message id), or empty when Drover generated the id (no client can send it again). Every instance's dedupe tail
     * reads it instead of parsing each record's JSON for its id; records without it (from before this header) are
     * parsed.
     */
    public static final String DEDUPE_HEADER = "drover.dedupe";
    /** The header's value when Drover generated the message id. */
    public static final byte[] GENERATED_ID = new byte[0];
    public static final String ENDPOINT_URI = "direct:buffer";

    /**
     * One message, serialised, with its partitioning key (userId, else anonymousId: per-user order), its topic when
     * it is not the events topic (refused messages go to the failed-events topic in the same write), and the value of
     * its {@link #DEDUPE_HEADER} (null: none).
     */
    public record Record(String key, byte[] value, String topic, byte[] dedupe) {
        /** An event: its dedupe key, or {@link #GENERATED_ID}. */
        public static Record event(String key, byte[] value, byte[] dedupe) {
            return new Record(key, value, null, dedupe);
        }

        /** A record of another topic, without a dedupe key. */
        public static Record to(String topic, byte[] value) {
            return new Record(null, value, topic, null);
        }
    }

    /**
     * After a failed write, further writes fail at once for this long: while Kafka is unreachable a send may block
     * its caller (an event-loop thread) for up to max.block.ms, and one such wait per request would stall every
     * connection of that loop. One request per window probes whether Kafka is back.
     */
    static final long FAIL_FAST_MILLIS = 1000;

    private final CamelContext context;
    private final BufferGate[] gates;
    private Endpoint endpoint;
    private volatile AsyncProducer producer;
    private volatile long failingUntil;

    /** @param gates conditions under which writes are refused before being tried (a failed broker, the disk floor) */
    public EventBuffer(CamelContext context, List<BufferGate> gates) {
        this.context = context;
        this.gates = gates.toArray(new BufferGate[0]);
    }

    @Override
    protected void doStart() throws Exception {
        endpoint = context.getEndpoint(ENDPOINT_URI);
        AsyncProducer started = endpoint.createAsyncProducer();
        ServiceHelper.startService(started);
        producer = started;   // published only once it can send: a write before that is refused, not a 500
    }

    /** Whether writes can be tried now (started, no gate refuses, not inside the fail-fast window after a failure). */
    public boolean takesWrites() {
        return refusal() == null;
    }

    /**
     * Why a write would be refused now without being tried (starting, a gate, the fail-fast window), or null: field
     * reads only, so a caller may ask before doing work for a write that cannot happen.
     */
    public BufferUnavailable refusal() {
        if (producer == null) {
            return new BufferUnavailable("starting", "Drover is starting and cannot take events yet; retry shortly", 1);
        }
        for (BufferGate gate : gates) {
            BufferUnavailable refused = gate.refusal();
            if (refused != null) {
                return refused;
            }
        }
        if (System.currentTimeMillis() < failingUntil) {
            return new BufferUnavailable("buffer_unavailable", "the event buffer cannot take events now; retry later", 5);
        }
        return null;
    }

    @Override
    protected void doStop() {
        ServiceHelper.stopService(producer);
    }

    /** Writes the records; {@code done} receives null once all are acknowledged, or the failure. */
    public void write(String source, List<Record> records, Consumer<Throwable> done) {
        BufferUnavailable refused = refusal();
        if (refused != null) {
            done.accept(refused);
            return;
        }
        AsyncProducer producer = this.producer;   // set once started, never unset
        Exchange exchange = endpoint.createExchange();
        List<Message> messages = new ArrayList<>(records.size());
        for (Record r : records) {
            Message m = new DefaultMessage(exchange);
            if (r.key() != null) {
                m.setHeader(KafkaConstants.KEY, r.key());
            }
            if (r.topic() != null) {
                m.setHeader(KafkaConstants.OVERRIDE_TOPIC, r.topic());
            }
            // Each record's headers are its own message's (batchWithIndividualHeaders in routes/buffer.yaml).
            m.setHeader(SOURCE_HEADER, source);
            if (r.dedupe() != null) {
                m.setHeader(DEDUPE_HEADER, r.dedupe());
            }
            m.setBody(r.value());
            messages.add(m);
        }
        exchange.getIn().setBody(messages);
        try {
            producer.process(exchange, doneSync -> {
                Exception failure = exchange.getException();
                if (failure != null) {
                    failingUntil = System.currentTimeMillis() + FAIL_FAST_MILLIS;
                }
                done.accept(failure);
            });
        } catch (RuntimeException e) {
            failingUntil = System.currentTimeMillis() + FAIL_FAST_MILLIS;
            done.accept(e);
        }
    }
}
