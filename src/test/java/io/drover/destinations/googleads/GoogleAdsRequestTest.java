package io.drover.destinations.googleads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.Hashing;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Click ids, conversion fields, normalisation, the 2,000-conversion limit and the partial-failure answers. */
class GoogleAdsRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void oneClickIdGclidFirstAndNoneMeansLeftOut() throws Exception {
        GoogleAdsRequest bean = bean(false);
        ObjectNode both = order("o1", Map.of("gbraid", "GB", "gclid", "GC"));
        ObjectNode braid = order("o2", Map.of("wbraid", "WB", "gbraid", "GB"));
        ObjectNode none = order("o3", Map.of());
        List<VendorRequest> requests = requests(run(bean, List.of(both, braid, none)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).events()).containsExactly(both, braid);
        JsonNode conversions = MAPPER.readTree(requests.get(0).body()).get("conversions");
        assertThat(conversions.get(0).get("gclid").asText()).isEqualTo("GC");
        assertThat(conversions.get(0).has("gbraid")).isFalse();
        assertThat(conversions.get(1).get("gbraid").asText()).isEqualTo("GB");
        assertThat(conversions.get(1).has("wbraid")).isFalse();
    }

    @Test
    void conversionFieldsAsTheApiDocumentsThem() throws Exception {
        ObjectNode e = order("o1", Map.of("gclid", "GC"));
        e.put("timestamp", "2026-11-28T10:15:30.250+01:00");
        ((ObjectNode) e.get("properties")).put("revenue", 10).put("currency", "eur").remove("total");
        JsonNode c = MAPPER.readTree(requests(run(bean(false), List.of(e))).get(0).body()).get("conversions").get(0);
        assertThat(c.get("conversionDateTime").asText()).isEqualTo("2026-11-28 09:15:30+00:00");
        assertThat(c.get("conversionValue").asInt()).isEqualTo(10);
        assertThat(c.get("currencyCode").asText()).isEqualTo("EUR");
        assertThat(c.get("orderId").asText()).isEqualTo("o1");
        assertThat(c.get("conversionAction").asText()).isEqualTo("customers/1234567890/conversionActions/55");
        assertThat(c.has("userIdentifiers")).isFalse();
    }

    @Test
    void aConversionActionResourceNameIsUsedAsGiven() {
        GoogleAdsRequest bean = bean(false);
        bean.setConversionAction("customers/999/conversionActions/77");
        assertThat(bean.conversionActionName()).isEqualTo("customers/999/conversionActions/77");
        assertThat(bean.url()).isEqualTo("https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions");
    }

    @Test
    void emailAndPhoneAreNormalisedAndHashedAsGoogleDocuments() {
        assertThat(GoogleAdsRequest.email("  Jane.Doe@Example.COM ")).isEqualTo("jane.doe@example.com");
        assertThat(GoogleAdsRequest.email("Jane.Doe@Gmail.com")).isEqualTo("janedoe@gmail.com");
        assertThat(GoogleAdsRequest.email("j.d@googlemail.com")).isEqualTo("jd@googlemail.com");
        assertThat(Hashing.e164("+1 (650) 555-1234")).isEqualTo("+16505551234");
        // SHA-256 hex of the normalised values
        assertThat(Hashing.hash(" Jane.Doe@Example.COM ", GoogleAdsRequest::email))
                .isEqualTo("86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d");
        assertThat(Hashing.hash("+1 (650) 555-1234", Hashing::e164))
                .isEqualTo("a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0");
    }

    @Test
    void withUserIdentifiersAPurchaseWithoutClickButWithEmailIsSent() throws Exception {
        ObjectNode e = order("o1", Map.of());
        ((ObjectNode) e.get("context")).putObject("traits").put("email", "a@b.example");
        assertThat(requests(run(bean(false), List.of(e)))).isEmpty();
        JsonNode c = MAPPER.readTree(requests(run(bean(true), List.of(e))).get(0).body()).get("conversions").get(0);
        assertThat(c.has("gclid")).isFalse();
        assertThat(c.get("userIdentifiers").get(0).get("hashedEmail").asText()).hasSize(64);
    }

    @Test
    void atMost2000ConversionsPerRequest() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 4001; i++) {
            events.add(order("o" + i, Map.of("gclid", "g" + i)));
        }
        List<VendorRequest> requests = requests(run(bean(false), events));
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(2000, 2000, 1);
        assertThat(MAPPER.readTree(requests.get(0).body()).get("conversions")).hasSize(2000);
        assertThat(requests.get(0).headers()).containsEntry("Authorization", "Bearer ya29.unit")
                .containsEntry("developer-token", "dev-unit").doesNotContainKey("login-customer-id");
    }

    @Test
    void eventsGoToTheirOwnConversionActionAndOnlyTheOrderCarriesTheOrderIdAsItIs() throws Exception {
        GoogleAdsRequest bean = bean(false);
        bean.setConversionActions("Checkout Started=66, Signed Up = customers/1234567890/conversionActions/77");
        ObjectNode checkout = order("o9", Map.of("gclid", "GC")).put("event", "Checkout Started");
        ObjectNode purchase = order("o9", Map.of("gclid", "GC"));
        JsonNode conversions = MAPPER.readTree(requests(run(bean, List.of(checkout, purchase))).get(0).body())
                .get("conversions");
        assertThat(conversions.get(0).get("conversionAction").asText()).isEqualTo("customers/1234567890/conversionActions/66");
        assertThat(conversions.get(0).get("orderId").asText()).isEqualTo("o9/checkout_started");
        assertThat(conversions.get(1).get("conversionAction").asText()).isEqualTo("customers/1234567890/conversionActions/55");
        assertThat(conversions.get(1).get("orderId").asText()).isEqualTo("o9");
        assertThat(bean.conversionActionName("Signed Up")).isEqualTo("customers/1234567890/conversionActions/77");
    }

    @Test
    void tooRecentIsSentAgainLaterAndNotRefused() {
        ObjectNode a = order("a", Map.of()), b = order("b", Map.of());
        VendorRequest request = new VendorRequest("POST", "u", Map.of(), "{}", List.of(a, b), null);
        ResponseReader.Verdict v = PartialFailureReader.read(200, """
                {"results":[{},{}],"partialFailureError":{"code":3,"message":"m","details":[{
                   "errors":[{"errorCode":{"conversionUploadError":"TOO_RECENT_EVENT"},
                      "message":"The click associated with the given identifier or iOS URL parameter occurred less than 6 hours ago. Retry after 6 hours have passed.",
                      "location":{"fieldPathElements":[{"fieldName":"conversions","index":1}]}}]}]}}
                """, -1, request, 21_600_000);
        assertThat(v.rejected()).isEmpty();
        assertThat(v.later()).containsOnlyKeys(b);
        assertThat(v.later().get(b).afterMillis()).isEqualTo(21_600_000);
        assertThat(v.later().get(b).reason()).startsWith("conversionUploadError TOO_RECENT_EVENT");
        assertThat(v.restAccepted()).isTrue();
    }

    @Test
    void partialFailuresRejectTheNamedConversionsAndTheRestIsTaken() {
        ObjectNode a = order("a", Map.of()), b = order("b", Map.of()), c = order("c", Map.of());
        VendorRequest request = new VendorRequest("POST", "u", Map.of(), "{}", List.of(a, b, c), null);
        ResponseReader.Verdict v = PartialFailureReader.read(200, """
                {"results":[{},{"gclid":"x"},{}],
                 "partialFailureError":{"code":3,"message":"Multiple errors in 'details'.","details":[{
                   "@type":"type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                   "errors":[
                     {"errorCode":{"conversionUploadError":"CLICK_NOT_FOUND"},"message":"The click was not found.",
                      "location":{"fieldPathElements":[{"fieldName":"conversions","index":0}]}},
                     {"errorCode":{"conversionUploadError":"EXPIRED_EVENT"},"message":"Too old.",
                      "location":{"fieldPathElements":[{"fieldName":"conversions","index":2},{"fieldName":"gclid"}]}}]}]},
                 "jobId":"123"}
                """, -1, request);
        assertThat(v.restAccepted()).isTrue();
        assertThat(v.rejected()).containsOnlyKeys(a, c);
        assertThat(v.rejected().get(a)).isEqualTo("conversionUploadError CLICK_NOT_FOUND: The click was not found.");
        assertThat(v.rejected().get(c)).startsWith("conversionUploadError EXPIRED_EVENT");

        assertThat(PartialFailureReader.read(200, "{\"results\":[{\"gclid\":\"x\"}],\"jobId\":\"1\"}", -1, request))
                .isEqualTo(ResponseReader.Verdict.DELIVERED);
        ResponseReader.Verdict unplaced = PartialFailureReader.read(200,
                "{\"partialFailureError\":{\"code\":3,\"message\":\"bad\"}}", -1, request);
        assertThat(unplaced.rejected()).containsOnlyKeys(a, b, c);
    }

    @Test
    void throttlingIsRetriedAndAuthErrorsAreNot() {
        VendorRequest request = new VendorRequest("POST", "u", Map.of(), "{}", List.of(order("a", Map.of())), null);
        assertThatThrownBy(() -> PartialFailureReader.read(429,
                "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}", 30_000, request))
                .matches(t -> ((DeliveryException) t).retryable() && ((DeliveryException) t).retryAfterMillis() == 30_000);
        assertThatThrownBy(() -> PartialFailureReader.read(401, "{\"error\":{\"status\":\"UNAUTHENTICATED\"}}", -1, request))
                .matches(t -> !((DeliveryException) t).retryable());
        assertThatThrownBy(() -> PartialFailureReader.read(503, "", -1, request))
                .matches(t -> ((DeliveryException) t).retryable());
    }

    private static GoogleAdsRequest bean(boolean identifiers) {
        GoogleAdsRequest bean = new GoogleAdsRequest();
        bean.setCustomerId("123-456-7890");
        bean.setConversionAction("55");
        bean.setDeveloperToken("dev-unit");
        bean.setAccessToken("ya29.unit");
        bean.setLoginCustomerId("");
        bean.setUserIdentifiers(identifiers);
        return bean;
    }

    private static ObjectNode order(String orderId, Map<String, String> google) {
        ObjectNode e = MAPPER.createObjectNode().put("type", "track").put("event", "Order Completed")
                .put("messageId", "m-" + orderId).put("timestamp", "2026-11-28T10:00:00.000Z");
        e.putObject("properties").put("order_id", orderId).put("total", 12.5).put("currency", "USD");
        ObjectNode g = e.putObject("context").putObject("providers").putObject("google");
        google.forEach(g::put);
        return e;
    }

    private static Exchange run(GoogleAdsRequest bean, List<ObjectNode> events) {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.getIn().setBody(new ArrayList<>(events));
        bean.process(ex);
        return ex;
    }

    @SuppressWarnings("unchecked")
    private static List<VendorRequest> requests(Exchange ex) {
        return ex.getIn().getBody(List.class);
    }
}
