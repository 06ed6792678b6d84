package io.drover.destinations.braze;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader.Verdict;
import io.drover.destinations.api.VendorRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How Braze's answers are read: non-fatal errors per object, fatal statuses, throttling. */
class TrackResponseTest {

    private final ObjectNode identify = BrazeRequestTest.track("u1", "x").put("type", "identify");
    private final ObjectNode track = BrazeRequestTest.track("u2", "Played");
    private final ObjectNode order = BrazeRequestTest.order("u3", 2);
    private final VendorRequest request = BrazeRequestTest.run(BrazeRequestTest.bean(75),
            List.of(identify, track, order), new Batch[1]).get(0);

    @Test
    void aSuccessIsDelivered() {
        assertThat(request.reader().read(201, "{\"message\":\"success\",\"events_processed\":1}", -1, request))
                .isEqualTo(Verdict.DELIVERED);
        assertThat(request.reader().read(202, "{\"message\":\"queued\"}", -1, request)).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void nonFatalErrorsNameTheEventsBehindTheRefusedObjects() {
        Verdict v = request.reader().read(201, """
                {"message":"success","errors":[
                  {"type":"'price' is required","input_array":"purchases","index":1},
                  {"type":"'name' is invalid","input_array":"events","index":0},
                  {"type":"something without an index"}]}""", -1, request);
        assertThat(v.restAccepted()).isTrue();
        assertThat(v.rejected()).hasSize(2)
                .containsEntry(order, "Braze: 'price' is required (purchases[1])")
                .containsEntry(track, "Braze: 'name' is invalid (events[0])");
    }

    @Test
    void a400IsFinalAndA429IsRetriedAfterWhatBrazeAsked() {
        assertThatThrownBy(() -> request.reader().read(400, "{\"message\":\"Bad Request\"}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.responseBody()).contains("Bad Request");
                });
        assertThatThrownBy(() -> request.reader().read(429, "", 3000, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfterMillis()).isEqualTo(3000);
                });
        assertThatThrownBy(() -> request.reader().read(503, "", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    }
}
