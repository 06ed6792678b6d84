package io.drover.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drover.buffer.EmbeddedKafkaBroker;
import io.drover.buffer.EventTopic;
import io.drover.buffer.InlineCallbacks;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultMessage;

/**
 * The benchmark's baselines, in their own JVM, started by {@code bench/run.sh}. Not a test.
 *
 * <ul>
 * <li>{@code BareRoute <port>}: a bare Camel platform-http (Vert.x) route that answers {@code {"success":true}} to
 * {@code POST /v1/track} and does nothing else: what Camel's HTTP server costs.</li>
 * <li>{@code BareRoute <port> <data-dir> <kafka-port> <controller-port>}: the same server writing each body to Kafka
 * before it answers, with Drover's own embedded broker and producer settings (acks=all, idempotence, linger 2 ms,
 * 128 KiB batches, the answer completed on the producer's thread) and Drover's partitioning (by userId, else
 * anonymousId): {@code /v1/track} writes the body, {@code /v1/batch} each of the batch's messages as a record of its
 * own. No validation, enrichment, identity or dedupe: the floor of any durable ingestion on this machine, so that
 * Drover's ratio to it says what Drover's own work costs on top of the write it must do.</li>
 * </ul>
 */
public final class BareRoute {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String TOPIC = "bare.events";

    private BareRoute() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 4) {
            System.err.println("Usage: BareRoute <port> [<data-dir> <kafka-port> <controller-port>]");
            System.exit(2);
        }
        Main main = new Main();
        // Drover's application.properties is on the same class path (target/classes): do not load it, or this JVM
        // would also load Drover's routes. The baseline gets only the settings below.
        main.setDefaultPropertyPlaceholderLocation("false");
        main.addOverrideProperty("camel.main.name", "bare-route");
        main.addOverrideProperty("camel.main.jmx-enabled", "false");
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("camel.server.port", args[0]);
        if (args.length == 1) {
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/v1/track?httpMethodRestrict=POST")
                            .routeId("bare-track")
                            .setBody(constant("{\"success\":true}"))
                            .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
                }
            });
        } else {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Path.of(args[1]), "127.0.0.1",
                    Integer.parseInt(args[2]), Integer.parseInt(args[3]), false, 1);
            broker.start();
            EventTopic.ensure(broker.bootstrapServers(), TOPIC, 6, Optional.empty());
            main.bind(InlineCallbacks.BEAN, new InlineCallbacks());
            // The same producer settings as Drover's application.properties.
            String kafka = "kafka:" + TOPIC + "?brokers=" + broker.bootstrapServers()
                    + "&requestRequiredAcks=all&enableIdempotence=true&lingerMs=2&producerBatchSize=131072"
                    + "&maxInFlightRequest=5"
                    + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer"
                    + "&workerPool=#" + InlineCallbacks.BEAN;
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/v1/track?httpMethodRestrict=POST")
                            .routeId("bare-track-kafka")
                            .process(e -> {
                                byte[] body = e.getIn().getBody(byte[].class);
                                e.getIn().setHeader(KafkaConstants.KEY, userKey(body, 0, body.length));
                                e.getIn().setBody(body);
                            })
                            .to(kafka)
                            .setBody(constant("{\"success\":true}"))
                            .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
                    from("platform-http:/v1/batch?httpMethodRestrict=POST")
                            .routeId("bare-batch-kafka")
                            .process(e -> e.getIn().setBody(messages(e, e.getIn().getBody(byte[].class))))
                            .to(kafka)
                            .setBody(constant("{\"success\":true}"))
                            .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
                }
            });
        }
        main.run();
    }

    /** The batch's messages, each its own bytes and key, cut from the body by a streaming parser (no tree). */
    private static List<Message> messages(Exchange exchange, byte[] body) throws IOException {
        List<Message> messages = new ArrayList<>(100);
        try (JsonParser p = JSON.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("batch") || value != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getByteOffset();
                    Message m = new DefaultMessage(exchange);
                    m.setHeader(KafkaConstants.KEY, userKey(body, start, end));
                    m.setBody(java.util.Arrays.copyOfRange(body, start, end));
                    messages.add(m);
                }
            }
        }
        return messages;
    }

    /** The message's top-level userId, else anonymousId, as Drover partitions. */
    private static String userKey(byte[] body, int from, int to) throws IOException {
        String anonymousId = null;
        try (JsonParser p = JSON.createParser(body, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING && field.equals("userId")) {
                    return p.getText();
                }
                if (value == JsonToken.VALUE_STRING && field.equals("anonymousId")) {
                    anonymousId = p.getText();
                }
                p.skipChildren();
            }
        }
        return anonymousId;
    }
}
