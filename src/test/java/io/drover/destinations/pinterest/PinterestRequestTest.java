package io.drover.destinations.pinterest;

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

/** Pinterest's normalisation, event names, what it would refuse, its limits and how its answers are read. */
class PinterestRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void normalisesAsPinterestDocumentsThenHashes() {
        ObjectNode event = GoldenFiles.event("order-completed");
        ObjectNode traits = (ObjectNode) event.with("context").with("traits");
        traits.put("email", " Person@Example.COM ").put("phone", "+44 (0)844-412 4653").put("firstName", " Mary-Ann ");
        traits.with("address").put("city", "Saint-Étienne").put("state", " CA ").put("postalCode", "94107-1234")
                .put("country", "US");
        JsonNode u = PinterestEvent.userData(event);
        assertThat(u.at("/em/0").asText()).isEqualTo(Hashing.sha256("person@example.com"));
        // Digits with country code; a trunk 0 inside the number is kept: only leading zeros go.
        assertThat(u.at("/ph/0").asText()).isEqualTo(Hashing.sha256("4408444124653"));
        assertThat(io.drover.destinations.Hashing.phoneDigits("0033 1 23 45 67 89")).isEqualTo("33123456789");
        assertThat(u.at("/fn/0").asText()).isEqualTo(Hashing.sha256("mary-ann"));
        assertThat(u.at("/ct/0").asText()).isEqualTo(Hashing.sha256("saintétienne"));
        assertThat(u.at("/st/0").asText()).isEqualTo(Hashing.sha256("ca"));
        assertThat(u.at("/zp/0").asText()).isEqualTo(Hashing.sha256("941071234"));
        assertThat(u.at("/country/0").asText()).isEqualTo(Hashing.sha256("us"));
        assertThat(u.at("/external_id/0").asText()).isEqualTo(Hashing.sha256("user-1001"));
    }

    @Test
    void neverHashesTwiceNorHashesIpUserAgentOrTheClickId() {
        ObjectNode event = GoldenFiles.event("order-completed");
        String digest = Hashing.sha256("jane.doe@example.com");
        event.with("context").with("traits").put("email", " " + digest.toUpperCase() + " ");
        JsonNode u = PinterestEvent.userData(event);
        assertThat(u.at("/em/0").asText()).isEqualTo(digest);
        assertThat(u.get("client_ip_address").asText()).isEqualTo("203.0.113.7");
        assertThat(u.get("client_user_agent").asText()).startsWith("Mozilla/5.0");
        assertThat(u.get("click_id").asText()).isEqualTo("epik_click_test");
    }

    @Test
    void segmentEventsBecomePinterestEventsAndOthersAreLeftOut() {
        assertThat(PinterestEvent.eventName(track("Order Completed"))).isEqualTo("checkout");
        assertThat(PinterestEvent.eventName(track("Checkout Started"))).isEqualTo("initiate_checkout");
        assertThat(PinterestEvent.eventName(track("Product Added"))).isEqualTo("add_to_cart");
        assertThat(PinterestEvent.eventName(track("Product Viewed"))).isEqualTo("page_visit");
        assertThat(PinterestEvent.eventName(track("Product List Viewed"))).isEqualTo("view_category");
        assertThat(PinterestEvent.eventName(track("Products Searched"))).isEqualTo("search");
        assertThat(PinterestEvent.eventName(track("Signed Up"))).isEqualTo("signup");
        assertThat(PinterestEvent.eventName(GoldenFiles.event("page"))).isEqualTo("page_visit");
        assertThat(PinterestEvent.eventName(track("Newsletter Signed Up"))).isNull();
        assertThat(PinterestEvent.eventName(GoldenFiles.event("identify"))).isNull();
    }

    @Test
    void anEventWithNeitherEmailNorIpAndUserAgentIsRejected() throws Exception {
        ObjectNode phoneOnly = GoldenFiles.event("product-added");
        phoneOnly.with("context").with("traits").remove("email");
        phoneOnly.with("context").remove("userAgent");
        ObjectNode emailOnly = GoldenFiles.event("product-added");
        emailOnly.with("context").remove(List.of("ip", "userAgent"));
        ObjectNode anonymous = GoldenFiles.event("product-viewed");
        anonymous.with("context").remove("traits");
        BeanRun run = BeanRun.of(PinterestGoldenTest.bean(), List.of(phoneOnly, emailOnly, anonymous));
        assertThat(run.rejected()).containsOnlyKeys(phoneOnly);
        assertThat(run.rejected().get(phoneOnly)).contains("user_data");
        assertThat(run.requests()).hasSize(1);
        assertThat(run.requests().get(0).events()).containsExactly(emailOnly, anonymous);
    }

    @Test
    void aBatchIsCutAt1000Events() throws Exception {
        ObjectNode small = (ObjectNode) MAPPER.readTree("{\"type\":\"page\",\"timestamp\":\"2024-11-28T08:00:00Z\","
                + "\"context\":{\"ip\":\"203.0.113.7\",\"userAgent\":\"UA\"}}");
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 2001; i++) {
            events.add(small.deepCopy().put("messageId", "m-" + i));
        }
        BeanRun run = BeanRun.of(PinterestGoldenTest.bean(), events);
        assertThat(run.requests()).extracting(r -> r.events().size()).containsExactly(1000, 1000, 1);
        assertThat(MAPPER.readTree(run.requests().get(1).body()).get("data")).hasSize(1000);
        assertThat(MAPPER.readTree(run.requests().get(1).body()).at("/data/0/event_id").asText()).isEqualTo("m-1000");
    }

    @Test
    void aBatchIsCutBeforeTwoMegabytesAndAnEventLargerThanARequestIsRejected() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode e = GoldenFiles.event("page");
            e.with("context").put("userAgent", "A".repeat(800_000));
            events.add(e);
        }
        ObjectNode huge = GoldenFiles.event("page");
        huge.with("context").put("userAgent", "B".repeat(2_100_000));
        events.add(huge);
        BeanRun run = BeanRun.of(PinterestGoldenTest.bean(), events);
        assertThat(run.requests()).extracting(r -> r.events().size()).containsExactly(2, 1);
        assertThat(run.rejected()).containsOnlyKeys(huge);
    }

    @Test
    void bearerTokenAndTestMode() throws Exception {
        PinterestRequest bean = (PinterestRequest) PinterestGoldenTest.bean();
        bean.setTest(true);
        VendorRequest r = BeanRun.of(bean, List.of(GoldenFiles.event("page"))).requests().get(0);
        assertThat(r.url()).isEqualTo("https://api.pinterest.com/v5/ad_accounts/549755885175/events?test=true");
        assertThat(r.headers()).containsEntry("Authorization", "Bearer pina_golden_token")
                .containsEntry("Content-Type", "application/json");
    }

    @Test
    void failedEventsNamedInTheAnswerAreRejectedAndTheOthersTaken() {
        ObjectNode a = GoldenFiles.event("page");
        ObjectNode b = GoldenFiles.event("product-added");
        ObjectNode c = GoldenFiles.event("order-completed");
        VendorRequest request = VendorRequest.json("{}", List.of(a, b, c));
        String answer = "{\"num_events_received\":3,\"num_events_processed\":2,\"events\":[{\"status\":\"processed\"},"
                + "{\"status\":\"failed\",\"error_message\":\"event_time is too far in the past\"},"
                + "{\"status\":\"processed\",\"warning_message\":\"unknown field\"}]}";
        for (int status : new int[] {200, 422}) {
            ResponseReader.Verdict v = PinterestAnswer.read(status, answer, -1, request);
            assertThat(v.restAccepted()).isTrue();
            assertThat(v.rejected()).containsOnlyKeys(b);
            assertThat(v.rejected().get(b)).isEqualTo("Pinterest: event failed: event_time is too far in the past");
        }
        // A 422 may carry the per-event results inside its details.
        String detailed = "{\"code\":4,\"message\":\"Not all events were successfully processed\","
                + "\"details\":" + answer + "}";
        assertThat(PinterestAnswer.read(422, detailed, -1, request).rejected()).containsOnlyKeys(b);
    }

    @Test
    void otherAnswersAreClassifiedByStatus() {
        VendorRequest request = VendorRequest.json("{}", List.of(GoldenFiles.event("page")));
        assertThat(PinterestAnswer.read(200, "{\"num_events_received\":1,\"num_events_processed\":1,"
                + "\"events\":[{\"status\":\"processed\"}]}", -1, request)).isEqualTo(ResponseReader.Verdict.DELIVERED);
        assertThatThrownBy(() -> PinterestAnswer.read(422, "{\"code\":1,\"message\":\"bad\"}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        assertThatThrownBy(() -> PinterestAnswer.read(401, "{\"code\":2,\"message\":\"Authentication failed.\"}", -1,
                request)).isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        assertThatThrownBy(() -> PinterestAnswer.read(429, "{\"code\":8}", 30_000, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfterMillis()).isEqualTo(30_000);
                });
        assertThatThrownBy(() -> PinterestAnswer.read(503, "{\"code\":4197}", -1, request))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    }

    private static ObjectNode track(String name) {
        return (ObjectNode) GoldenFiles.event("custom-track").put("event", name);
    }
}
