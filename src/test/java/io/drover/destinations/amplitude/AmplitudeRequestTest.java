package io.drover.destinations.amplitude;

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

/** Amplitude's request bean and answer reader: ids, names, limits, partial failures, throttling. */
class AmplitudeRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final CamelContext CONTEXT = new DefaultCamelContext();

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    @Test
    void anEventWithoutAnIdOfFiveCharactersIsRejectedAndAShortUserIdIsLeftOut() throws Exception {
        ObjectNode noId = track("m1").put("userId", "abc").put("anonymousId", "null");
        ObjectNode shortUser = track("m2").put("userId", "abc").put("anonymousId", "device-12345");
        Run run = run(bean(), noId, shortUser);
        assertThat(run.rejected()).containsOnlyKeys(noId);
        assertThat(run.rejected().get(noId)).contains("at least 5 characters");
        JsonNode sent = body(run.requests().get(0)).at("/events/0");
        assertThat(sent.has("user_id")).isFalse();
        assertThat(sent.get("device_id").asText()).isEqualTo("device-12345");
        assertThat(body(run.requests().get(0)).has("options")).isFalse();
    }

    @Test
    void aBlankUserIdCountsAsNoneAndTheDeviceIdCarriesTheEvent() throws Exception {
        Run run = run(bean(), track("m1").put("userId", "      ").put("anonymousId", "device-12345"));
        assertThat(run.rejected()).isEmpty();
        JsonNode sent = body(run.requests().get(0)).at("/events/0");
        assertThat(sent.has("user_id")).isFalse();
        assertThat(sent.get("device_id").asText()).isEqualTo("device-12345");
    }

    @Test
    void aLowerMinimumIdLengthIsSentAsAmplitudesOption() throws Exception {
        AmplitudeRequest bean = bean();
        bean.setMinIdLength(3);
        Run run = run(bean, track("m1").put("userId", "abc"));
        assertThat(run.rejected()).isEmpty();
        JsonNode body = body(run.requests().get(0));
        assertThat(body.at("/events/0/user_id").asText()).isEqualTo("abc");
        assertThat(body.at("/options/min_id_length").asInt()).isEqualTo(3);
    }

    @Test
    void pagesAndScreensAreNamedAsSegmentsAmplitudeDestinationNamesThem() throws Exception {
        ObjectNode named = event("page", "p1").put("name", "Pricing");
        ObjectNode both = event("page", "p2").put("name", "Sneaker").put("category", "Shoes");
        ObjectNode bare = event("page", "p3");
        ObjectNode screen = event("screen", "s1").put("name", "Home");
        Run run = run(bean(), named, both, bare, screen);
        JsonNode events = body(run.requests().get(0)).get("events");
        assertThat(events.findValuesAsText("event_type"))
                .containsExactly("Viewed Pricing Page", "Viewed Shoes Sneaker Page", "Loaded a Page", "Viewed Home Screen");
    }

    @Test
    void batchesAreCutAt2000Events() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 2001; i++) {
            events.add(track("m" + i));
        }
        Run run = run(bean(), events.toArray(ObjectNode[]::new));
        assertThat(run.requests()).hasSize(2);
        assertThat(run.requests().get(0).events()).hasSize(2000);
        assertThat(body(run.requests().get(1)).get("events")).hasSize(1);
    }

    @Test
    void batchesAreCutUnderOneMegabyteAndAnEventLargerThanARequestIsRejected() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode e = track("m" + i);
            e.putObject("properties").put("blob", "x".repeat(300_000));
            events.add(e);
        }
        ObjectNode huge = track("huge");
        huge.putObject("properties").put("blob", "x".repeat(1_000_001));
        events.add(huge);
        Run run = run(bean(), events.toArray(ObjectNode[]::new));
        assertThat(run.requests()).hasSize(2);
        assertThat(run.requests()).allSatisfy(r -> assertThat(r.body().getBytes().length).isLessThanOrEqualTo(1_000_000));
        assertThat(run.requests().get(0).events()).hasSize(3);
        assertThat(run.rejected()).containsOnlyKeys(huge);
        assertThat(run.rejected().get(huge)).contains("1 MB");
    }

    @Test
    void identifySetsTheTraitsAsUserPropertiesAndOrderCompletedCarriesRevenue() throws Exception {
        ObjectNode identify = event("identify", "i1");
        identify.putObject("traits").put("plan", "premium");
        ObjectNode order = track("o1").put("event", "Order Completed");
        order.putObject("properties").put("revenue", 25.5).put("total", 30);
        JsonNode events = body(run(bean(), identify, order).requests().get(0)).get("events");
        assertThat(events.get(0).get("event_type").asText()).isEqualTo("$identify");
        assertThat(events.get(0).at("/user_properties/$set/plan").asText()).isEqualTo("premium");
        assertThat(events.get(1).get("revenue").asDouble()).isEqualTo(25.5);
        assertThat(events.get(1).has("price")).isFalse();
    }

    @Test
    void a400NamingEventsRejectsThemAndTheOthersAreSentAgain() throws Exception {
        ObjectNode a = track("a"), b = track("b"), c = track("c");
        VendorRequest request = run(bean(), a, b, c).requests().get(0);
        Verdict verdict = request.reader().read(400, """
                {"code":400,"error":"Invalid field values on some events",
                 "events_with_invalid_fields":{"time":[1]},"events_with_missing_fields":{"event_type":[1,2]}}""",
                -1, request);
        assertThat(verdict.restAccepted()).isFalse();
        assertThat(verdict.rejected()).containsOnlyKeys(b, c);
        assertThat(verdict.rejected().get(b)).isEqualTo("Amplitude refused the event: invalid field time, missing field event_type");
    }

    @Test
    void a400WithoutIndexesAndA413FailTheRequestForGood() throws Exception {
        VendorRequest request = run(bean(), track("a")).requests().get(0);
        assertThatThrownBy(() -> request.reader().read(400, "{\"code\":400,\"error\":\"Invalid API key\"}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        assertThatThrownBy(() -> request.reader().read(413, "{\"code\":413,\"error\":\"Payload too large\"}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void a429IsRetriedAfterThirtySecondsUnlessRetryAfterSaysOtherwise() throws Exception {
        VendorRequest request = run(bean(), track("a")).requests().get(0);
        String throttled = "{\"code\":429,\"error\":\"Too many requests for some devices and users\",\"eps_threshold\":10,"
                + "\"throttled_events\":[0]}";
        assertThatThrownBy(() -> request.reader().read(429, throttled, -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfterMillis()).isEqualTo(30_000);
                });
        assertThatThrownBy(() -> request.reader().read(429, throttled, 5_000, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryAfterMillis()).isEqualTo(5_000));
        assertThat(request.reader().read(200, "{\"code\":200,\"events_ingested\":1}", -1, request))
                .isEqualTo(Verdict.DELIVERED);
    }

    private static AmplitudeRequest bean() {
        AmplitudeRequest bean = new AmplitudeRequest();
        bean.setApiKey("amp_test_key");
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
    private static Run run(AmplitudeRequest bean, ObjectNode... events) throws Exception {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getIn().setBody(new ArrayList<>(List.of(events)));
        bean.process(exchange);
        return new Run(exchange.getIn().getBody(List.class), Batch.of(exchange).rejectionReasons());
    }
}
