package io.drover.destinations.meta;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader.Verdict;
import io.drover.destinations.api.VendorRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MetaResponseReaderTest {

    private static final VendorRequest TWO = new VendorRequest("POST", "https://graph.facebook.com/x", Map.of(), "{}",
            List.of(JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode()), null);

    @Test
    void eventsReceivedIsDelivered() {
        assertThat(read(200, "{\"events_received\":2,\"messages\":[],\"fbtrace_id\":\"A1\"}")).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void fewerEventsReceivedThanSentIsStillDelivered() {
        // Meta names no event: nothing to dead-letter, and sending the same request again would not change it.
        assertThat(read(200, "{\"events_received\":1,\"fbtrace_id\":\"A1\"}")).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aGraphErrorIsFinalWithMetasCodeAndTrace() {
        String body = "{\"error\":{\"message\":\"Invalid parameter\",\"type\":\"OAuthException\",\"code\":100,"
                + "\"error_subcode\":2804003,\"fbtrace_id\":\"AbC123\"}}";
        DeliveryException e = fail(400, body);
        assertThat(e.retryable()).isFalse();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.responseBody()).isEqualTo(body);
        assertThat(e.getMessage()).isEqualTo("Meta error 100/2804003: Invalid parameter (fbtrace_id AbC123)");
    }

    @Test
    void rateLimitCodesAreRetriedWhateverTheStatus() {
        for (int code : new int[] {4, 17, 32, 613}) {
            DeliveryException e = fail(400, "{\"error\":{\"message\":\"limit\",\"code\":" + code + "}}");
            assertThat(e.retryable()).as("code %d", code).isTrue();
        }
        assertThat(fail(403, "{\"error\":{\"message\":\"limit\",\"code\":4}}").retryable()).isTrue();
    }

    @Test
    void otherAnswersFollowTheStatus() {
        assertThat(fail(503, "").retryable()).isTrue();
        assertThat(fail(500, "{\"error\":{\"message\":\"Unknown\",\"code\":1}}").retryable()).isTrue();
        assertThat(fail(401, "not json").retryable()).isFalse();
    }

    private static Verdict read(int status, String body) {
        return MetaResponseReader.INSTANCE.read(status, body, -1, TWO);
    }

    private static DeliveryException fail(int status, String body) {
        return catchThrowableOfType(DeliveryException.class, () -> read(status, body));
    }
}
