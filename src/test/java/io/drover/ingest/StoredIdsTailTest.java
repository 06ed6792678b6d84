package io.drover.ingest;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The restore reads only a stored event's own top-level messageId (the end-to-end case is in CrashUnderLoadTest). */
class StoredIdsTailTest {

    @Test
    void readsTheTopLevelMessageIdAndNotANestedOne() {
        assertThat(id("{\"type\":\"track\",\"properties\":{\"messageId\":\"nested\",\"a\":[{\"messageId\":\"x\"}]},"
                + "\"messageId\":\"top\"}")).isEqualTo("top");
        assertThat(id("{\"messageId\":\"first\",\"event\":\"E\"}")).isEqualTo("first");
    }

    @Test
    void aRecordWithoutAUsableIdGivesNone() {
        assertThat(id("{\"event\":\"E\",\"context\":{\"messageId\":\"nested\"}}")).isNull();
        assertThat(id("{\"messageId\":42}")).isNull();
        assertThat(id("[1,2]")).isNull();
        assertThat(id("not json")).isNull();
    }

    @Test
    void theKeyComesFromTheHeaderAndFromTheJsonOfARecordWrittenBeforeTheHeader() {
        DedupeWindow window = new DedupeWindow(java.time.Duration.ofMinutes(1), 10);
        StoredIdsTail tail = new StoredIdsTail("127.0.0.1:1", "t", window, java.time.Duration.ofMinutes(1), 10, true);
        long key = window.key("web", "m-1");
        // The header is believed over the JSON: it is what ingestion computed, and the JSON is not read at all.
        assertThat(tail.key(record("{\"messageId\":\"other\"}", "web", DedupeWindow.bytes(key)))).isEqualTo(key);
        assertThat(tail.key(record("{\"messageId\":\"m-1\"}", "web", null))).isEqualTo(key);
        // An id Drover generated: never remembered, no client can send it again.
        assertThat(tail.key(record("{\"messageId\":\"m-1\"}", "web", io.drover.buffer.EventBuffer.GENERATED_ID))).isZero();
        assertThat(tail.key(record("{\"messageId\":\"m-1\"}", null, null))).isZero();
        assertThat(DedupeWindow.fromBytes(DedupeWindow.bytes(key))).isEqualTo(key);
        assertThat(DedupeWindow.fromBytes(DedupeWindow.bytes(-2L))).isEqualTo(-2L);
    }

    private static org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record(String json, String source,
                                                                                           byte[] dedupe) {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        if (source != null) {
            headers.add("drover.source", source.getBytes(StandardCharsets.UTF_8));
        }
        if (dedupe != null) {
            headers.add("drover.dedupe", dedupe);
        }
        return new org.apache.kafka.clients.consumer.ConsumerRecord<>("t", 0, 0L, 0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, -1, -1, null,
                json.getBytes(StandardCharsets.UTF_8), headers, java.util.Optional.empty());
    }

    private static String id(String json) {
        return StoredIdsTail.messageId(json.getBytes(StandardCharsets.UTF_8));
    }
}
