package io.drover.destinations.meta;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Event names, the 1,000-event limit, refusals and the request's URL. */
class MetaRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void segmentEcommerceEventsBecomeMetaStandardEvents() throws Exception {
        assertThat(nameOf(track("Order Completed"))).isEqualTo("Purchase");
        assertThat(nameOf(track("Product Added"))).isEqualTo("AddToCart");
        assertThat(nameOf(track("Product Viewed"))).isEqualTo("ViewContent");
        assertThat(nameOf(track("Checkout Started"))).isEqualTo("InitiateCheckout");
        assertThat(nameOf(track("Products Searched"))).isEqualTo("Search");
        assertThat(nameOf(track("Signed Up"))).isEqualTo("CompleteRegistration");
        assertThat(nameOf(track("Level Up"))).as("a custom event keeps its name").isEqualTo("Level Up");
        ObjectNode page = track("x");
        page.put("type", "page").remove("event");
        assertThat(nameOf(page)).isEqualTo("PageView");
    }

    @Test
    void atMostAThousandEventsARequestInOrder() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            events.add(track("E").put("messageId", "m-" + i));
        }
        List<VendorRequest> requests = run(bean(), events, Batch.of(exchange()));
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(1000, 1000, 500);
        JsonNode last = MAPPER.readTree(requests.get(2).body());
        assertThat(last.get("data")).hasSize(500);
        assertThat(last.at("/data/0/event_id").asText()).isEqualTo("m-2000");
        assertThat(requests.get(2).events().get(0)).isSameAs(events.get(2000));
    }

    @Test
    void theTokenGoesInTheQueryAndTheTestCodeInTheBody() throws Exception {
        MetaRequest bean = bean();
        bean.setAccessToken("EAA+b/c");
        bean.setTestEventCode("TEST123");
        VendorRequest r = run(bean, List.of(track("E")), Batch.of(exchange())).get(0);
        assertThat(r.url()).isEqualTo("https://graph.facebook.com/v26.0/42/events?access_token=EAA%2Bb%2Fc");
        assertThat(MAPPER.readTree(r.body()).get("test_event_code").asText()).isEqualTo("TEST123");
        assertThat(r.headers()).containsEntry("Content-Type", "application/json");
    }

    @Test
    void eventsMetaCannotTakeAreRefusedWithAReasonAndOthersLeftOut() throws Exception {
        Exchange exchange = exchange();
        Batch batch = Batch.of(exchange);
        ObjectNode noAgent = onPage(track("E"));
        ((ObjectNode) noAgent.get("context")).remove("userAgent");
        ObjectNode identify = track("E").put("type", "identify");
        ObjectNode good = onPage(track("E"));
        List<VendorRequest> requests = run(bean(), List.of(noAgent, identify, good), batch);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).events()).containsExactly(good);
        assertThat(batch.rejectionReasons()).containsOnlyKeys(noAgent);
        assertThat(batch.rejectionReasons().get(noAgent)).contains("user agent");
    }

    @Test
    void anotherActionSourceNeedsNoUserAgent() throws Exception {
        MetaRequest bean = bean();
        bean.setActionSource("system_generated");
        ObjectNode event = track("E");
        ((ObjectNode) event.get("context")).remove("userAgent");
        VendorRequest r = run(bean, List.of(event), Batch.of(exchange())).get(0);
        assertThat(MAPPER.readTree(r.body()).at("/data/0/action_source").asText()).isEqualTo("system_generated");
    }

    @Test
    void aWebsiteEventNeedsThePageItHappenedOnAndWithoutOneAnEventIsNotLabelledWebsite() throws Exception {
        ObjectNode withoutPage = track("E");
        VendorRequest auto = run(bean(), List.of(withoutPage, onPage(track("E"))), Batch.of(exchange())).get(0);
        assertThat(MAPPER.readTree(auto.body()).at("/data/0/action_source").asText()).isEqualTo("other");
        assertThat(MAPPER.readTree(auto.body()).at("/data/1/action_source").asText()).isEqualTo("website");
        assertThat(MAPPER.readTree(auto.body()).at("/data/1/event_source_url").asText()).isEqualTo("https://shop.example/p");

        MetaRequest website = bean();
        website.setActionSource("website");
        Batch batch = Batch.of(exchange());
        assertThat(run(website, List.of(withoutPage), batch)).isEmpty();
        assertThat(batch.rejectionReasons().get(withoutPage)).contains("event_source_url");
    }

    /** Found by issue 16's comparison with MetaRouter's kit. */
    @Test
    void anAddToCartIsWorthItsItemsAndOnlyACheckoutCountsThem() throws Exception {
        ObjectNode added = io.drover.destinations.GoldenFiles.event("product-added"); // 2 at 89.99
        JsonNode data = MAPPER.readTree(run(bean(), List.of(added), Batch.of(exchange())).get(0).body()).at("/data/0/custom_data");
        assertThat(data.get("value").decimalValue()).isEqualByComparingTo("179.98");
        ObjectNode order = io.drover.destinations.GoldenFiles.event("order-completed");
        ObjectNode checkout = io.drover.destinations.GoldenFiles.event("checkout-started");
        List<VendorRequest> both = run(bean(), List.of(order, checkout), Batch.of(exchange()));
        JsonNode body = MAPPER.readTree(both.get(0).body());
        // Meta's custom data parameters: num_items "Use only with InitiateCheckout events".
        assertThat(body.at("/data/0/event_name").asText()).isEqualTo("Purchase");
        assertThat(body.at("/data/0/custom_data").has("num_items")).isFalse();
        assertThat(body.at("/data/1/event_name").asText()).isEqualTo("InitiateCheckout");
        assertThat(body.at("/data/1/custom_data/num_items").asInt()).isEqualTo(2);
    }

    @Test
    void theShopsOneCurrencyIsUsedForAValueWithoutOneAndNoneIsInvented() throws Exception {
        ObjectNode added = track("Product Added");
        ((ObjectNode) added.get("properties")).put("price", 12);
        VendorRequest none = run(bean(), List.of(added), Batch.of(exchange())).get(0);
        assertThat(MAPPER.readTree(none.body()).at("/data/0/custom_data").has("value")).isFalse();
        assertThat(MAPPER.readTree(none.body()).at("/data/0/custom_data").has("currency")).isFalse();
        MetaRequest euro = bean();
        euro.setDefaultCurrency("eur");
        VendorRequest r = run(euro, List.of(added), Batch.of(exchange())).get(0);
        assertThat(MAPPER.readTree(r.body()).at("/data/0/custom_data/value").asInt()).isEqualTo(12);
        assertThat(MAPPER.readTree(r.body()).at("/data/0/custom_data/currency").asText()).isEqualTo("EUR");
    }

    private static ObjectNode onPage(ObjectNode event) {
        ((ObjectNode) event.get("context")).putObject("page").put("url", "https://shop.example/p");
        return event;
    }

    private static MetaRequest bean() {
        MetaRequest bean = new MetaRequest();
        bean.setPixelId("42");
        bean.setAccessToken("token");
        return bean;
    }

    private static String nameOf(ObjectNode event) throws Exception {
        VendorRequest r = run(bean(), List.of(event), Batch.of(exchange())).get(0);
        return MAPPER.readTree(r.body()).at("/data/0/event_name").asText();
    }

    static ObjectNode track(String name) throws Exception {
        return (ObjectNode) MAPPER.readTree("""
                {"type":"track","event":"%s","messageId":"m-1","userId":"u-1","timestamp":"2024-11-28T08:00:00.000Z",
                 "properties":{},"context":{"ip":"203.0.113.7","userAgent":"UA/1.0"}}""".formatted(name));
    }

    private static Exchange exchange() {
        return new DefaultExchange(new DefaultCamelContext());
    }

    @SuppressWarnings("unchecked")
    private static List<VendorRequest> run(MetaRequest bean, List<ObjectNode> events, Batch batch) throws Exception {
        Exchange exchange = exchange();
        exchange.setProperty(Batch.PROPERTY, batch);
        exchange.getIn().setBody(new ArrayList<>(events));
        bean.process(exchange);
        return exchange.getIn().getBody(List.class);
    }
}
