package io.drover.playbook;

import static io.drover.playbook.Playbooks.compileError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import io.drover.testing.JsonTrees;

/** The playbook's response block: answers that are 2xx but carry errors, for the whole request or per event. */
class ResponseTest {

    private static final ObjectNode A = JsonTrees.object("{\"messageId\": \"a\"}");
    private static final ObjectNode B = JsonTrees.object("{\"messageId\": \"b\"}");
    private static final VendorRequest REQUEST = new VendorRequest("POST", "https://v.example/x", Map.of(), "{}",
            List.of(A, B), null);

    private static ResponseReader reader(String yaml) {
        return Playbooks.compile("response:\n" + yaml.indent(2)).response().orElseThrow();
    }

    private static final String LINKEDIN = """
            rejectEach:
              elements: elements
              when: {path: status, gte: 400}
              reason: error.message
            """;

    @Test
    void rejectEachRefusesTheEventsWhoseElementSaysSoAndDeliversTheOthers() {
        ResponseReader.Verdict v = reader(LINKEDIN).read(200,
                "{\"elements\":[{\"status\":201},{\"status\":422,\"error\":{\"message\":\"bad conversion\"}}]}", -1, REQUEST);
        assertThat(v.restAccepted()).isTrue();
        assertThat(v.rejected()).containsOnlyKeys(B);
        assertThat(v.rejected().get(B)).isEqualTo("the vendor refused the event: bad conversion");
        assertThat(reader(LINKEDIN).read(200, "{\"elements\":[{\"status\":201},{\"status\":201}]}", -1, REQUEST))
                .isEqualTo(ResponseReader.Verdict.DELIVERED);
    }

    @Test
    void failOnATwoHundredThatReportsFailureRetryableWhenTheVendorSaysSo() {
        ResponseReader r = reader("""
                fail:
                  when: {path: code, notEquals: 0}
                  reason: message
                  retryWhen: {path: code, in: [40100]}
                """);
        assertThat(r.read(200, "{\"code\":0,\"message\":\"OK\"}", -1, REQUEST)).isEqualTo(ResponseReader.Verdict.DELIVERED);
        DeliveryException bad = catchThrowableOfType(DeliveryException.class,
                () -> r.read(200, "{\"code\":40002,\"message\":\"Invalid event_time\"}", -1, REQUEST));
        assertThat(bad.getMessage()).isEqualTo("the vendor answered 200 but reported failure: Invalid event_time");
        assertThat(bad.retryable()).isFalse();
        DeliveryException throttled = catchThrowableOfType(DeliveryException.class,
                () -> r.read(200, "{\"code\":40100,\"message\":\"Too many\"}", -1, REQUEST));
        assertThat(throttled.retryable()).isTrue();
    }

    @Test
    void otherStatusesEmptyAndNonJsonAnswersAreReadAsForEveryVendor() {
        ResponseReader r = reader(LINKEDIN);
        assertThat(r.read(202, "", -1, REQUEST)).isEqualTo(ResponseReader.Verdict.DELIVERED);
        assertThat(r.read(200, "<html>ok</html>", -1, REQUEST)).isEqualTo(ResponseReader.Verdict.DELIVERED);
        assertThat(catchThrowableOfType(DeliveryException.class, () -> r.read(503, "down", -1, REQUEST)).retryable())
                .isTrue();
        assertThat(catchThrowableOfType(DeliveryException.class, () -> r.read(400, "bad", -1, REQUEST)).retryable())
                .isFalse();
    }

    @Test
    void mistakesAreNamedWhenCompiling() {
        assertThat(compileError("response: {}\n")).contains("response").contains("needs 'fail' or 'rejectEach'");
        assertThat(compileError("response:\n  rejectEach: {when: {path: status, gte: 400} }\n"))
                .contains("'elements' is required");
        assertThat(compileError("response:\n  fail: {reason: message}\n")).contains("'when' is required");
        assertThat(compileError("response:\n  retry: {}\n")).contains("unknown key 'retry'");
    }
}
