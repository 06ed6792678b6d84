package io.drover.integration;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ParsedEventsTest {

    private static final TopicPartition P0 = new TopicPartition("drover.events", 0);

    private static ConsumerRecord<String, byte[]> record(long offset, String json) {
        return new ConsumerRecord<>(P0.topic(), P0.partition(), offset, "key", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void integrationsReadingTheSameRecordShareOneParsedEvent() throws Exception {
        ParsedEvents parsed = new ParsedEvents(4);
        ObjectNode first = parsed.ring(P0).event(record(7, "{\"type\":\"track\",\"event\":\"A\"}"));
        ObjectNode second = parsed.ring(new TopicPartition("drover.events", 0)).event(record(7, "{\"type\":\"track\",\"event\":\"A\"}"));

        assertThat(second).isSameAs(first);
        assertThat(first.path("event").asText()).isEqualTo("A");
    }

    @Test
    void anIntegrationThatLagsBehindTheRingParsesItsRecordsItself() throws Exception {
        ParsedEvents parsed = new ParsedEvents(4);
        ParsedEvents.Ring ring = parsed.ring(P0);
        ObjectNode old = ring.event(record(3, "{\"n\":3}"));
        ring.event(record(7, "{\"n\":7}"));   // same slot (7 % 4 == 3 % 4): offset 3 is gone

        ObjectNode again = ring.event(record(3, "{\"n\":3}"));

        assertThat(again).isNotSameAs(old).isEqualTo(old);
        assertThat(ring.event(record(7, "{\"n\":7}")).path("n").asInt()).isEqualTo(7);
    }

    @Test
    void partitionsHaveTheirOwnRingsAndZeroSlotsSharesNothing() throws Exception {
        ParsedEvents parsed = new ParsedEvents(4);
        ObjectNode p0 = parsed.ring(P0).event(record(1, "{\"p\":0}"));
        ConsumerRecord<String, byte[]> onP1 = new ConsumerRecord<>("drover.events", 1, 1, "key", "{\"p\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.ring(new TopicPartition("drover.events", 1)).event(onP1).path("p").asInt()).isEqualTo(1);
        assertThat(parsed.ring(P0).event(record(1, "{\"p\":0}"))).isSameAs(p0);

        ParsedEvents none = new ParsedEvents(0);
        assertThat(none.ring(P0).event(record(1, "{\"p\":0}"))).isNotSameAs(none.ring(P0).event(record(1, "{\"p\":0}")));
    }

    @Test
    void aRecordThatIsNotAJsonObjectIsNoEvent() throws Exception {
        assertThat(new ParsedEvents(4).ring(P0).event(record(1, "[1,2]"))).isNull();
    }
}
