package io.drover.destinations;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimesTest {

    @Test
    void readsDroversFormAndAnyIsoDateTime() {
        assertThat(EventTimes.epochSeconds("2024-11-28T08:02:00.000Z")).isEqualTo(1732780920L);
        assertThat(EventTimes.epochSeconds("2024-11-28T08:02:00Z")).isEqualTo(1732780920L);
        assertThat(EventTimes.epochSeconds("2024-11-28T09:02:00.5+01:00")).isEqualTo(1732780920L);
        assertThat(EventTimes.epochSeconds("2024-02-29T23:59:59.999Z")).isEqualTo(1709251199L);
        assertThat(EventTimes.epochSeconds("2024-02-30T00:00:00.000Z")).isEqualTo(-1);
        assertThat(EventTimes.epochSeconds("yesterday")).isEqualTo(-1);
    }

    @Test
    void fallsBackFromTimestampToOriginalTimestampToReceivedAt() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertThat(EventTimes.epochSeconds(m.readTree("{\"timestamp\":\"x\",\"receivedAt\":\"2024-11-28T08:02:00.000Z\"}")))
                .isEqualTo(1732780920L);
        assertThat(EventTimes.epochSeconds(m.readTree("{}"))).isEqualTo(-1);
    }
}
