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

    private static String id(String json) {
        return StoredIdsTail.messageId(json.getBytes(StandardCharsets.UTF_8));
    }
}
