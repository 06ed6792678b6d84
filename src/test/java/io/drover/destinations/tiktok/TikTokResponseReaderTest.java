package io.drover.destinations.tiktok;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader.Verdict;
import io.drover.destinations.api.VendorRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** TikTok reports failure in a 200's code. */
class TikTokResponseReaderTest {

    private static final VendorRequest ONE = new VendorRequest("POST", "https://business-api.tiktok.com/x", Map.of(),
            "{}", List.of(JsonNodeFactory.instance.objectNode()), null);

    @Test
    void codeZeroIsDelivered() {
        assertThat(read(200, "{\"code\":0,\"message\":\"OK\",\"request_id\":\"r1\",\"data\":{}}"))
                .isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void throttlingAndTikToksOwnErrorsAreRetried() {
        DeliveryException e = fail(200, "{\"code\":40100,\"message\":\"Too many requests\",\"request_id\":\"r2\"}");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).isEqualTo("TikTok code 40100: Too many requests (request_id r2)");
        assertThat(fail(200, "{\"code\":50000,\"message\":\"System error\"}").retryable()).isTrue();
    }

    @Test
    void permissionAndParameterErrorsAreFinal() {
        String body = "{\"code\":40002,\"message\":\"Invalid parameters\",\"request_id\":\"r3\"}";
        DeliveryException e = fail(200, body);
        assertThat(e.retryable()).isFalse();
        assertThat(e.responseBody()).isEqualTo(body);
        assertThat(fail(200, "{\"code\":40001,\"message\":\"No permission\"}").retryable()).isFalse();
    }

    @Test
    void aFailedStatusIsClassifiedAsUsual() {
        assertThat(fail(503, "").retryable()).isTrue();
        assertThat(fail(401, "{\"code\":40105}").retryable()).isFalse();
    }

    private static Verdict read(int status, String body) {
        return TikTokResponseReader.INSTANCE.read(status, body, -1, ONE);
    }

    private static DeliveryException fail(int status, String body) {
        return catchThrowableOfType(DeliveryException.class, () -> read(status, body));
    }
}
