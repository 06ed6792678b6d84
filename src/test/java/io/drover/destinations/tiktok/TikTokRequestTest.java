package io.drover.destinations.tiktok;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TikTokRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void atMostAThousandEventsARequestWithTheTokenInAHeader() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            events.add((ObjectNode) MAPPER.readTree("{\"type\":\"track\",\"event\":\"E\",\"messageId\":\"m-" + i
                    + "\",\"timestamp\":\"2024-11-28T08:00:00Z\"}"));
        }
        TikTokRequest bean = new TikTokRequest();
        bean.setPixelCode("CPIXEL");
        bean.setAccessToken("tok");
        bean.setBaseUrl("http://127.0.0.1:1/");
        bean.setTestEventCode("TEST42");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(events);
        bean.process(exchange);
        @SuppressWarnings("unchecked")
        List<VendorRequest> requests = exchange.getIn().getBody(List.class);
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(1000, 1);
        VendorRequest last = requests.get(1);
        assertThat(last.url()).isEqualTo("http://127.0.0.1:1/open_api/v1.3/event/track/");
        assertThat(last.headers()).containsEntry("Access-Token", "tok").containsEntry("Content-Type", "application/json");
        JsonNode body = MAPPER.readTree(last.body());
        assertThat(body.get("event_source").asText()).isEqualTo("web");
        assertThat(body.get("event_source_id").asText()).isEqualTo("CPIXEL");
        assertThat(body.get("test_event_code").asText()).isEqualTo("TEST42");
        assertThat(body.at("/data/0/event_id").asText()).isEqualTo("m-1000");
        assertThat(Batch.of(exchange).rejectionReasons()).isEmpty();
    }
}
