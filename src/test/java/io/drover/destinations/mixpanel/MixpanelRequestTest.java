package io.drover.destinations.mixpanel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader.Verdict;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mixpanel's request bean and answer readers: the two endpoints, $insert_id, limits, failed_records, /engage. */
class MixpanelRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final CamelContext CONTEXT = new DefaultCamelContext();

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    @Test
    void eventsGoToImportWithTheServiceAccountAndIdentifyCallsToEngage() throws Exception {
        ObjectNode identify = event("identify", "i1");
        identify.putObject("traits").put("email", "jane@example.com").put("plan", "premium");
        Run run = run(track("t1"), identify, event("page", "p1"));
        assertThat(run.requests()).hasSize(2);
        VendorRequest imports = run.requests().get(0);
        assertThat(imports.url()).isEqualTo("https://api.mixpanel.com/import?strict=1&project_id=31415");
        // base64("sa.user:sa-secret")
        assertThat(imports.headers()).containsEntry("Authorization", "Basic c2EudXNlcjpzYS1zZWNyZXQ=");
        assertThat(body(imports).findValuesAsText("event")).containsExactly("Thing Done", "Loaded a Page");
        VendorRequest engage = run.requests().get(1);
        assertThat(engage.url()).isEqualTo("https://api.mixpanel.com/engage?verbose=1");
        assertThat(engage.headers()).doesNotContainKey("Authorization");
        JsonNode update = body(engage).get(0);
        assertThat(update.get("$token").asText()).isEqualTo("mp_token");
        assertThat(update.get("$distinct_id").asText()).isEqualTo("user-1001");
        assertThat(update.get("$ip").asText()).as("no IP: no geolocation from Drover's address").isEqualTo("0");
        assertThat(update.at("/$set/$email").asText()).isEqualTo("jane@example.com");
        assertThat(update.at("/$set/plan").asText()).isEqualTo("premium");
    }

    @Test
    void aMessageIdThatIsNotAValidInsertIdIsHashedDeterministically() {
        assertThat(MixpanelEvents.insertId("29fc2962-6d9c-455d-95ad-95b84f09b9e4")).isEqualTo("29fc2962-6d9c-455d-95ad-95b84f09b9e4");
        String hashed = MixpanelEvents.insertId("ajs-next-1732780800000-0123456789abcdef0123456789");
        assertThat(hashed).matches("[0-9a-f]{36}")
                .isEqualTo(MixpanelEvents.insertId("ajs-next-1732780800000-0123456789abcdef0123456789"));
        // '_' is not allowed in an $insert_id: hashed, so it cannot collide with the valid "msg-1".
        assertThat(MixpanelEvents.insertId("msg_1")).hasSize(36).isNotEqualTo(MixpanelEvents.insertId("msg-1"));
    }

    @Test
    void anEventWithoutDistinctIdOrTimeIsRejected() throws Exception {
        ObjectNode noUser = track("a");
        noUser.remove("userId");
        ObjectNode noTime = track("b");
        noTime.remove("timestamp");
        Run run = run(noUser, noTime, track("c"));
        assertThat(run.rejected()).containsOnlyKeys(noUser, noTime);
        assertThat(run.rejected().get(noUser)).contains("distinct_id");
        assertThat(run.rejected().get(noTime)).contains("time");
        assertThat(run.requests().get(0).events()).hasSize(1);
    }

    @Test
    void batchesAreCutAt2000RecordsAndTwoMegabytes() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 2001; i++) {
            events.add(track("m" + i));
        }
        assertThat(run(events.toArray(ObjectNode[]::new)).requests()).extracting(r -> r.events().size())
                .containsExactly(2000, 1);
        events.clear();
        for (int i = 0; i < 5; i++) {
            ObjectNode e = track("big" + i);
            e.putObject("properties").put("blob", "x".repeat(600_000));
            events.add(e);
        }
        ObjectNode tooBig = track("huge");
        tooBig.putObject("properties").put("blob", "x".repeat(1_000_001));
        events.add(tooBig);
        Run run = run(events.toArray(ObjectNode[]::new));
        assertThat(run.requests()).extracting(r -> r.events().size()).containsExactly(3, 2);
        assertThat(run.requests()).allSatisfy(r -> assertThat(r.body().length()).isLessThanOrEqualTo(2_000_000));
        assertThat(run.rejected()).containsOnlyKeys(tooBig);
    }

    @Test
    void failedRecordsAreRejectedAndTheOtherEventsWereImported() throws Exception {
        ObjectNode a = track("a"), b = track("b");
        VendorRequest request = run(a, b).requests().get(0);
        Verdict verdict = request.reader().read(400, """
                {"code":400,"error":"some data points in the request failed validation","status":"Bad Request",
                 "num_records_imported":1,"failed_records":[{"index":1,"insert_id":"b","field":"properties.time",
                 "message":"'properties.time' is invalid: must be specified as seconds since epoch"}]}""", -1, request);
        assertThat(verdict.restAccepted()).isTrue();
        assertThat(verdict.rejected()).containsOnlyKeys(b);
        assertThat(verdict.rejected().get(b)).isEqualTo("Mixpanel refused the event: properties.time: "
                + "'properties.time' is invalid: must be specified as seconds since epoch");
        assertThat(request.reader().read(200, "{\"code\":200,\"num_records_imported\":2,\"status\":\"OK\"}", -1, request))
                .isEqualTo(Verdict.DELIVERED);
        assertThatThrownBy(() -> request.reader().read(429, "{\"code\":429}", 7_000, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfterMillis()).isEqualTo(7_000);
                });
        assertThatThrownBy(() -> request.reader().read(401, "{\"error\":\"Invalid credentials\"}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void engageRefusingTheUpdatesWithA200FailsTheRequestForGood() throws Exception {
        ObjectNode identify = event("identify", "i1");
        VendorRequest request = run(identify).requests().get(0);
        assertThat(request.reader().read(200, "{\"error\":null,\"status\":1}", -1, request)).isEqualTo(Verdict.DELIVERED);
        assertThat(request.reader().read(200, "1", -1, request)).isEqualTo(Verdict.DELIVERED);
        assertThatThrownBy(() -> request.reader().read(200, "{\"error\":\"$token is invalid\",\"status\":0}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("$token is invalid");
                });
    }

    @Test
    void browsersAreNamedAsMixpanelNamesThem() {
        assertThat(Browsers.name("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                + "Version/17.1 Safari/605.1.15")).isEqualTo("Safari");
        assertThat(Browsers.name("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")).isEqualTo("Microsoft Edge");
        assertThat(Browsers.name("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).isEqualTo("Firefox");
        assertThat(Browsers.name("Java-http-client/17")).isNull();
    }

    private static MixpanelRequest bean() {
        MixpanelRequest bean = new MixpanelRequest();
        bean.setProjectId("31415");
        bean.setProjectToken("mp_token");
        bean.setServiceAccountUsername("sa.user");
        bean.setServiceAccountSecret("sa-secret");
        return bean;
    }

    private static ObjectNode event(String type, String messageId) {
        return MAPPER.createObjectNode().put("type", type).put("messageId", messageId).put("userId", "user-1001")
                .put("timestamp", "2024-11-28T08:00:00.000Z");
    }

    private static ObjectNode track(String messageId) {
        return event("track", messageId).put("event", "Thing Done");
    }

    private static JsonNode body(VendorRequest r) throws Exception {
        return MAPPER.readTree(r.body());
    }

    record Run(List<VendorRequest> requests, Map<ObjectNode, String> rejected) {
    }

    @SuppressWarnings("unchecked")
    private static Run run(ObjectNode... events) throws Exception {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getIn().setBody(new ArrayList<>(List.of(events)));
        bean().process(exchange);
        return new Run(exchange.getIn().getBody(List.class), Batch.of(exchange).rejectionReasons());
    }
}
