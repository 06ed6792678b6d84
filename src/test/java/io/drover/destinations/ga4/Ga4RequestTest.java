package io.drover.destinations.ga4;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.GoldenFiles;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.Mapped;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GA4's naming rules, limits, grouping by client, and the validation server's answers. */
class Ga4RequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void segmentNamesBecomeSnakeCaseWithinFortyCharacters() {
        assertThat(Ga4Names.snakeCase("Newsletter Signed Up", 40)).isEqualTo("newsletter_signed_up");
        assertThat(Ga4Names.snakeCase("  Video -- Played!  ", 40)).isEqualTo("video_played");
        assertThat(Ga4Names.snakeCase("Crème Brûlée Ordered", 40)).isEqualTo("creme_brulee_ordered");
        assertThat(Ga4Names.snakeCase("_private.thing", 40)).isEqualTo("private_thing");
        assertThat(Ga4Names.snakeCase("A very long event name that goes on and on and on", 40))
                .isEqualTo("a_very_long_event_name_that_goes_on_and").hasSizeLessThanOrEqualTo(40);
        assertThat(Ga4Names.snakeCase("日本語", 40)).isEmpty();
    }

    @Test
    void reservedNamesAndPrefixesAreRefused() {
        assertThat(Ga4Names.eventNameProblem("session_start")).contains("reserved");
        assertThat(Ga4Names.eventNameProblem("first_visit")).contains("reserved");
        assertThat(Ga4Names.eventNameProblem("google_thing")).contains("prefix 'google_'");
        assertThat(Ga4Names.eventNameProblem("firebase_x")).contains("prefix");
        assertThat(Ga4Names.eventNameProblem("3d_model_viewed")).contains("start with a letter");
        assertThat(Ga4Names.eventNameProblem("")).isNotNull();
        assertThat(Ga4Names.eventNameProblem("newsletter_signed_up")).isNull();
        assertThat(Ga4Names.paramName("doubleOptIn")).isEqualTo("doubleOptIn");
        assertThat(Ga4Names.paramName("Source Section")).isEqualTo("source_section");
        assertThat(Ga4Names.paramName("ga_thing")).isNull();
        assertThat(Ga4Names.paramName("firebase_conversion")).isNull();
        assertThat(Ga4Names.isValidUserProperty("user_id")).isFalse();
        assertThat(Ga4Names.isValidUserProperty("a_user_property_name_over_24")).isFalse();
    }

    @Test
    void aReservedEventNameIsRejectedWithItsReasonAndTheRestIsSent() throws Exception {
        ObjectNode reserved = track("r1", "Session Start", "c1");
        ObjectNode ok = track("ok1", "Video Played", "c1");
        Exchange ex = run(bean(false), List.of(reserved, ok));
        assertThat(Batch.of(ex).rejectionReasons().get(reserved)).contains("'session_start' is a reserved GA4 event name");
        List<VendorRequest> requests = requests(ex);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).events()).containsExactly(ok);
    }

    @Test
    void eachRequestCarriesOneClientAndAtMost25EventsInOrder() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(track("a" + i, "Step", "client-a"));
            if (i % 10 == 0) {
                events.add(track("b" + i, "Step", "client-b"));
            }
        }
        List<VendorRequest> requests = requests(run(bean(false), events));
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(25, 5, 3);
        List<String> ids = new ArrayList<>();
        for (VendorRequest r : requests) {
            JsonNode body = MAPPER.readTree(r.body());
            assertThat(body.get("events")).hasSize(r.events().size());
            r.events().forEach(e -> ids.add(e.get("messageId").asText()));
            r.events().forEach(e -> assertThat(e.get("anonymousId").asText()).isEqualTo(body.get("client_id").asText()));
        }
        assertThat(ids.subList(0, 30)).isEqualTo(events.stream().map(e -> e.get("messageId").asText())
                .filter(id -> id.startsWith("a")).toList());
    }

    @Test
    void requestsStayUnder130kB() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // GA4 parameters are cut to 100 characters, so only items make an event large: ~15 kB each here
            ObjectNode e = track("big" + i, "Order Completed", "client-a");
            com.fasterxml.jackson.databind.node.ArrayNode products = e.putObject("properties").putArray("products");
            for (int p = 0; p < 100; p++) {
                products.addObject().put("product_id", "sku-" + p).put("name", "n".repeat(100));
            }
            events.add(e);
        }
        List<VendorRequest> requests = requests(run(bean(false), events));
        assertThat(requests.size()).isGreaterThan(1);
        for (VendorRequest r : requests) {
            assertThat(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(Ga4Request.MAX_BYTES);
        }
        assertThat(requests.stream().mapToInt(r -> r.events().size()).sum()).isEqualTo(25);
    }

    @Test
    void parametersAreCutToGa4sLimits() throws Exception {
        ObjectNode e = track("lim", "Limits", "c1");
        ObjectNode props = e.putObject("properties");
        for (int p = 0; p < 40; p++) {
            props.put("p" + p, p);
        }
        props.put("p0", "y".repeat(300));
        JsonNode params = ga4(e, "123").get("params");
        assertThat(params.size()).isEqualTo(Ga4Events.MAX_PARAMS);
        assertThat(params.get("session_id").asText()).isEqualTo("123");
        assertThat(params.get("engagement_time_msec").asInt()).isEqualTo(1);
        assertThat(params.get("p0").asText()).hasSize(100);

        ObjectNode page = event("page", "pg");
        page.putObject("properties").put("url", "https://shop.example/" + "u".repeat(1500)).put("title", "t".repeat(400));
        JsonNode pageParams = ga4(page, null).get("params");
        assertThat(pageParams.get("page_location").asText()).hasSize(1000);
        assertThat(pageParams.get("page_title").asText()).hasSize(300);
        assertThat(pageParams.has("session_id")).isFalse();
    }

    @Test
    void clientIdFromTheGaCookieElseAnonymousIdElseUserId() {
        assertThat(Ga4Request.cookieId("GA1.1.1432567890.1732780800")).isEqualTo("1432567890.1732780800");
        assertThat(Ga4Request.cookieId("1432567890.1732780800")).isEqualTo("1432567890.1732780800");
        ObjectNode e = event("track", "x");
        e.put("userId", "u-1");
        assertThat(Ga4Request.clientId(e, MAPPER.createObjectNode())).isEqualTo("u-1");
        e.put("anonymousId", "anon-1");
        assertThat(Ga4Request.clientId(e, MAPPER.createObjectNode())).isEqualTo("anon-1");
        assertThat(Ga4Request.clientId(e, MAPPER.createObjectNode().put("clientId", "GA1.2.11.22"))).isEqualTo("11.22");
    }

    @Test
    void configuredTraitsBecomeUserPropertiesWithinLimits() throws Exception {
        Ga4Request bean = bean(false);
        bean.setUserProperties("plan, Loyalty Tier, user_id, email_not_there");
        ObjectNode e = track("up", "Video Played", "c1");
        e.putObject("context").putObject("traits").put("plan", "premium-plan-with-a-name-longer-than-36")
                .put("Loyalty Tier", 3).put("user_id", "nope");
        JsonNode body = MAPPER.readTree(requests(run(bean, List.of(e))).get(0).body());
        assertThat(body.get("user_properties")).isEqualTo(MAPPER.readTree(
                "{\"plan\":{\"value\":\"premium-plan-with-a-name-longer-than\"},\"loyalty_tier\":{\"value\":3}}"));
    }

    @Test
    void theDebugOptionSendsToTheValidationServer() throws Exception {
        assertThat(requests(run(bean(true), List.of(track("d", "Video Played", "c1")))).get(0).url())
                .isEqualTo("https://www.google-analytics.com/debug/mp/collect?measurement_id=G-UNIT&api_secret=unit-secret");
        Ga4Request special = bean(false);
        special.setApiSecret("a+b/c=");
        assertThat(special.url()).endsWith("?measurement_id=G-UNIT&api_secret=a%2Bb%2Fc%3D");
    }

    @Test
    void validationMessagesRejectTheEventsTheyName() {
        ObjectNode a = track("a", "A", "c"), b = track("b", "B", "c");
        VendorRequest request = new VendorRequest("POST", "u", Map.of(), "{}", List.of(a, b), null);
        ResponseReader.Verdict v = ValidationReader.read(200, """
                {"validationMessages":[{"fieldPath":"events","description":"Event at index: [1] has invalid name [_bad]. Names must start with an alphabetic character.","validationCode":"NAME_INVALID"}]}
                """, -1, request);
        assertThat(v.restAccepted()).isTrue();
        assertThat(v.rejected()).containsOnlyKeys(b);
        assertThat(v.rejected().get(b)).contains("NAME_INVALID").contains("_bad");

        ResponseReader.Verdict whole = ValidationReader.read(200,
                "{\"validationMessages\":[{\"fieldPath\":\"client_id\",\"description\":\"required\",\"validationCode\":\"VALUE_REQUIRED\"}]}",
                -1, request);
        assertThat(whole.rejected()).containsOnlyKeys(a, b);

        assertThat(ValidationReader.read(200, "{\"validationMessages\":[]}", -1, request)).isEqualTo(ResponseReader.Verdict.DELIVERED);
        assertThat(ValidationReader.index("events[3].params.items", "")).isEqualTo(3);
        assertThatThrownBy(() -> ValidationReader.read(429, "", 2000, request)).isInstanceOf(DeliveryException.class)
                .matches(t -> ((DeliveryException) t).retryable() && ((DeliveryException) t).retryAfterMillis() == 2000);
        assertThatThrownBy(() -> ValidationReader.read(400, "bad", -1, request))
                .matches(t -> !((DeliveryException) t).retryable());
    }

    @Test
    void recommendedEventsTakeTheirDocumentedParameters() {
        ObjectNode refund = track("rf", "Order Refunded", "c");
        refund.putObject("properties").put("order_id", "o-1").put("total", 30.5).put("currency", "EUR");
        assertThat(ga4(refund, null).toString())
                .isEqualTo("{\"name\":\"refund\",\"timestamp_micros\":1795860000000000,\"params\":{\"engagement_time_msec\":1,\"transaction_id\":\"o-1\","
                        + "\"currency\":\"EUR\",\"value\":30.5}}");
        ObjectNode list = track("pl", "Product List Viewed", "c");
        list.putObject("properties").put("list_id", "hot").put("category", "Deals").putArray("products")
                .addObject().put("sku", "s-1").put("price", 5);
        assertThat(ga4(list, null).get("params").toString())
                .isEqualTo("{\"engagement_time_msec\":1,\"item_list_id\":\"hot\",\"item_list_name\":\"Deals\","
                        + "\"items\":[{\"item_id\":\"s-1\",\"price\":5}]}");
        assertThat(Ga4Events.toGa4(event("identify", "i"), null)).isEqualTo(Mapped.notForVendor());
    }

    private static Ga4Request bean(boolean debug) {
        Ga4Request bean = new Ga4Request();
        bean.setMeasurementId("G-UNIT");
        bean.setApiSecret("unit-secret");
        bean.setDebug(debug);
        bean.setUserProperties("");
        return bean;
    }

    private static ObjectNode event(String type, String id) {
        return MAPPER.createObjectNode().put("type", type).put("messageId", id);
    }

    private static ObjectNode track(String id, String name, String anonymousId) {
        return event("track", id).put("event", name).put("anonymousId", anonymousId)
                .put("timestamp", "2026-11-28T10:00:00.000Z");
    }

    private static Exchange run(Ga4Request bean, List<ObjectNode> events) throws Exception {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.getIn().setBody(new ArrayList<>(events));
        bean.process(ex);
        return ex;
    }

    @SuppressWarnings("unchecked")
    private static List<VendorRequest> requests(Exchange ex) {
        return ex.getIn().getBody(List.class);
    }

    static {
        GoldenFiles.eventNames(); // same working directory as the golden tests
    }

    /** The GA4 event of one that GA4 takes. */
    private static ObjectNode ga4(ObjectNode event, String sessionId) {
        return ((Mapped.To<ObjectNode>) Ga4Events.toGa4(event, sessionId)).value();
    }
}
