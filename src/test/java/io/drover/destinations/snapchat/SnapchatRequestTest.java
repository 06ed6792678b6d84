package io.drover.destinations.snapchat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.BeanRun;
import io.drover.destinations.GoldenFiles;
import io.drover.destinations.Hashing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snap's normalisation (with Snap's own examples), event names, what Snap would refuse, its limits and answers. */
class SnapchatRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void normalisesAndHashesAsSnapsPublishedExamples() {
        // https://developers.snap.com/api/marketing-api/Conversions-API/Parameters (user_data: em, ph, fn)
        ObjectNode event = GoldenFiles.event("order-completed");
        ObjectNode traits = (ObjectNode) event.with("context").with("traits");
        traits.put("email", "Person@Example.com").put("phone", "+44 844 412 4653").put("firstName", "John")
                .put("lastName", "Raphaël");
        JsonNode u = SnapchatEvent.userData(event);
        assertThat(u.at("/em/0").asText()).isEqualTo("542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345");
        assertThat(io.drover.destinations.Hashing.phoneDigits("+44 844 412 4653")).isEqualTo("448444124653");
        assertThat(u.at("/ph/0").asText()).isEqualTo("dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383");
        assertThat(u.at("/fn/0").asText()).isEqualTo("96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a");
        assertThat(u.at("/ln/0").asText()).isEqualTo("e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7");
    }

    @Test
    void phonesLoseTheirLeadingZerosAndAccentsAreComposedBeforeHashing() {
        assertThat(io.drover.destinations.Hashing.phoneDigits("0044 844 412 4653")).isEqualTo("448444124653");
        assertThat(io.drover.destinations.Hashing.phoneDigits("(0)20 7946 0000")).isEqualTo("2079460000");
        // "Raphaël" typed with a combining diaeresis hashes like the composed one.
        assertThat(Hashing.hash("Raphae\u0308l", Hashing::lettersOnly))
                .isEqualTo("e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7");
    }

    @Test
    void neverHashesTwiceNorHashesIpUserAgentOrSnapIds() {
        ObjectNode event = GoldenFiles.event("order-completed");
        String digest = Hashing.sha256("jane.doe@example.com");
        event.with("context").with("traits").put("email", digest.toUpperCase());
        JsonNode u = SnapchatEvent.userData(event);
        assertThat(u.at("/em/0").asText()).isEqualTo(digest);
        assertThat(u.get("client_ip_address").asText()).isEqualTo("203.0.113.7");
        assertThat(u.get("client_user_agent").asText()).startsWith("Mozilla/5.0");
        assertThat(u.get("sc_click_id").asText()).isEqualTo("ScCid_test");
        assertThat(u.get("sc_cookie1").asText()).isEqualTo("scid_cookie_test");
    }

    @Test
    void segmentEventsBecomeSnapsStandardEventsAndOthersAreLeftOut() {
        assertThat(SnapchatEvent.eventName(track("Order Completed"))).isEqualTo("PURCHASE");
        assertThat(SnapchatEvent.eventName(track("Product Added"))).isEqualTo("ADD_CART");
        assertThat(SnapchatEvent.eventName(track("Product Viewed"))).isEqualTo("VIEW_CONTENT");
        assertThat(SnapchatEvent.eventName(track("Checkout Started"))).isEqualTo("START_CHECKOUT");
        assertThat(SnapchatEvent.eventName(track("Products Searched"))).isEqualTo("SEARCH");
        assertThat(SnapchatEvent.eventName(track("Signed Up"))).isEqualTo("SIGN_UP");
        assertThat(SnapchatEvent.eventName(GoldenFiles.event("page"))).isEqualTo("PAGE_VIEW");
        // Names are matched exactly, as Segment's spec writes them.
        assertThat(SnapchatEvent.eventName(track("order completed"))).isNull();
        assertThat(SnapchatEvent.eventName(track("Video Played"))).isNull();
        assertThat(SnapchatEvent.eventName(GoldenFiles.event("identify"))).isNull();
    }

    @Test
    void eventsSnapWouldRefuseAreRejectedAloneAndTheOthersSent() throws Exception {
        ObjectNode noUrl = GoldenFiles.event("product-added");
        noUrl.with("context").remove("page");
        ObjectNode noMatchKey = GoldenFiles.event("product-added");
        noMatchKey.with("context").remove(List.of("traits", "ip"));
        ObjectNode noCurrency = GoldenFiles.event("order-completed");
        noCurrency.with("properties").remove("currency");
        ObjectNode ok = GoldenFiles.event("product-viewed");
        BeanRun run = BeanRun.of(SnapchatGoldenTest.bean(), List.of(noUrl, noMatchKey, noCurrency, ok));
        assertThat(run.rejected()).containsOnlyKeys(noUrl, noMatchKey, noCurrency);
        assertThat(run.rejected().get(noUrl)).contains("event_source_url");
        assertThat(run.rejected().get(noMatchKey)).contains("IP address with user agent");
        assertThat(run.rejected().get(noCurrency)).contains("currency");
        assertThat(run.requests()).hasSize(1);
        assertThat(run.requests().get(0).events()).containsExactly(ok);
    }

    /** Found by issue 16's comparison with MetaRouter's kit: Snap's custom_data.content_category (one text). */
    @Test
    void aOneProductEventCarriesItsCategory() {
        assertThat(SnapchatEvent.customData(GoldenFiles.event("product-viewed")).path("content_category").asText())
                .isEqualTo("Shoes");
        assertThat(SnapchatEvent.customData(GoldenFiles.event("order-completed")).has("content_category"))
                .as("two products, two categories: none claimed").isFalse();
    }

    @Test
    void aBatchIsCutAt2000Events() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        ObjectNode small = small();
        for (int i = 0; i < 2001; i++) {
            events.add(small.deepCopy().put("messageId", "m-" + i));
        }
        BeanRun run = BeanRun.of(SnapchatGoldenTest.bean(), events);
        assertThat(run.requests()).hasSize(2);
        assertThat(run.requests().get(0).events()).hasSize(2000);
        assertThat(MAPPER.readTree(run.requests().get(0).body()).get("data")).hasSize(2000);
        assertThat(run.requests().get(1).events()).containsExactly(events.get(2000));
    }

    @Test
    void aBatchIsCutBeforeTwoMegabytesAndAnEventLargerThanARequestIsRejected() throws Exception {
        String agent = "A".repeat(800_000);
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode e = GoldenFiles.event("page");
            e.with("context").put("userAgent", agent);
            events.add(e);
        }
        ObjectNode huge = GoldenFiles.event("page");
        huge.with("context").put("userAgent", "B".repeat(2_100_000));
        events.add(huge);
        BeanRun run = BeanRun.of(SnapchatGoldenTest.bean(), events);
        assertThat(run.requests()).extracting(r -> r.events().size()).containsExactly(2, 1);
        assertThat(run.requests()).allSatisfy(r -> assertThat(r.body().length()).isLessThanOrEqualTo(2_000_000));
        assertThat(run.rejected()).containsOnlyKeys(huge);
    }

    @Test
    void theTokenGoesInTheQueryAndTestModeUsesTheValidateEndpoint() {
        SnapchatRequest bean = (SnapchatRequest) SnapchatGoldenTest.bean();
        assertThat(bean.url()).isEqualTo("https://tr.snapchat.com/v3/c0ffee00-1234-4abc-9def-000000000042/events"
                + "?access_token=snap_golden_token");
        bean.setTest(true);
        bean.setAccessToken("a+b/c");
        assertThat(bean.url()).isEqualTo("https://tr.snapchat.com/v3/c0ffee00-1234-4abc-9def-000000000042/events"
                + "/validate?access_token=a%2Bb%2Fc");
    }

    @Test
    void readsSnapsAnswers() {
        VendorRequest request = VendorRequest.json("{}", List.of(GoldenFiles.event("page")));
        assertThat(SnapchatAnswer.read(200, "{\"status\":\"VALID\",\"reason\":\"ok\"}", -1, request))
                .isEqualTo(ResponseReader.Verdict.DELIVERED);
        assertThat(SnapchatAnswer.read(200, "", -1, request)).isEqualTo(ResponseReader.Verdict.DELIVERED);
        assertThatThrownBy(() -> SnapchatAnswer.read(200, "{\"status\":\"INVALID\",\"reason\":\"Unhashed PII\"}", -1,
                request)).isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Unhashed PII");
                });
        assertThatThrownBy(() -> SnapchatAnswer.read(400, "{\"status\":\"INVALID\"}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        assertThatThrownBy(() -> SnapchatAnswer.read(429, "", 7000, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfterMillis()).isEqualTo(7000);
                });
        assertThatThrownBy(() -> SnapchatAnswer.read(503, "", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    }

    /** A page call with only what Snap needs. */
    static ObjectNode small() throws Exception {
        return (ObjectNode) MAPPER.readTree("{\"type\":\"page\",\"messageId\":\"m\","
                + "\"timestamp\":\"2024-11-28T08:00:00Z\",\"context\":{\"ip\":\"203.0.113.7\",\"userAgent\":\"UA\","
                + "\"page\":{\"url\":\"https://shop.example/\"}}}");
    }

    private static ObjectNode track(String name) {
        return (ObjectNode) GoldenFiles.event("custom-track").put("event", name);
    }
}
