package io.drover.destinations.braze;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits, identities, name rules and profile-field normalisation of the Braze request bean. */
class BrazeRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aBatchIsCutAt75ObjectsPerRequestKeepingTheOrder() throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 151; i++) {
            events.add(track("u" + i, "E" + i));
        }
        List<VendorRequest> requests = run(bean(75), events, new Batch[1]);
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(75, 75, 1);
        assertThat(body(requests.get(0)).path("events")).hasSize(75);
        assertThat(body(requests.get(2)).at("/events/0/name").asText()).isEqualTo("E150");
    }

    @Test
    void theLimitCountsAllThreeArraysAndAnEventsObjectsTravelTogether() throws Exception {
        // 48 tracks, then an order of 3 products: 51 objects do not fit in 50, so the order opens the next request.
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            events.add(track("u", "E" + i));
        }
        events.add(order("u", 3));
        List<VendorRequest> requests = run(bean(50), events, new Batch[1]);
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(48, 1);
        assertThat(body(requests.get(1)).path("purchases")).hasSize(3);
        assertThat(body(requests.get(1)).has("events")).isFalse();
    }

    @Test
    void anOrderWithMoreProductsThanARequestTakesIsRefusedWithTheReason() throws Exception {
        Batch[] batch = new Batch[1];
        ObjectNode big = order("u", 76);
        List<VendorRequest> requests = run(bean(75), List.of(big, track("u", "After")), batch);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).events()).hasSize(1);
        assertThat(batch[0].rejectionReasons().get(big)).contains("76 Braze objects");
    }

    @Test
    void eventsWithoutWhatBrazeRequiresAreRefused() throws Exception {
        Batch[] batch = new Batch[1];
        ObjectNode nobody = (ObjectNode) MAPPER.readTree("{\"type\":\"track\",\"event\":\"E\",\"timestamp\":\"2024-01-01T00:00:00Z\"}");
        ObjectNode noPrice = order("u", 1);
        ((ObjectNode) noPrice.at("/properties/products/0")).remove("price");
        ObjectNode noName = track("u", "");
        run(bean(75), List.of(nobody, noPrice, noName), batch);
        assertThat(batch[0].rejectionReasons().values()).containsExactlyInAnyOrder("no userId or anonymousId to name the Braze user by",
                "product 1 of Order Completed has no numeric price", "a track without an event name");
    }

    @Test
    void reservedAndInvalidPropertyNamesAreLeftOutAndTheEventIsNotChanged() throws Exception {
        ObjectNode event = track("u", "E");
        String longKey = "k".repeat(256);
        ((ObjectNode) event.get("properties")).put("time", "x").put("event_name", "x").put("$price", 1)
                .put(longKey, 1).put("ok", 2);
        JsonNode sent = body(run(bean(75), List.of(event), new Batch[1]).get(0)).at("/events/0/properties");
        assertThat(sent.toString()).isEqualTo("{\"k\":\"v\",\"ok\":2}");
        assertThat(event.get("properties").has("time")).as("the stored event is left as it was").isTrue();
    }

    @Test
    void traitsBecomeBrazeProfileFieldsOrCustomAttributes() throws Exception {
        ObjectNode identify = (ObjectNode) MAPPER.readTree("""
                {"type":"identify","userId":"u1","timestamp":"2024-01-01T00:00:00Z","traits":{
                  "email":" a@b.example ","phone":"+44 20 7946 0958","first_name":"Ann","lastName":"Lee",
                  "gender":"Female","birthday":"1990-04-03T00:00:00Z","avatar":"https://img.example/a.png",
                  "address":{"city":"Leeds","country":"gb","postalCode":"LS1"},
                  "external_id":"hijack","$bad":1,"plan":"pro","score":3}}""");
        JsonNode a = body(run(bean(75), List.of(identify), new Batch[1]).get(0)).at("/attributes/0");
        assertThat(a).isEqualTo(MAPPER.readTree("""
                {"external_id":"u1","email":"a@b.example","phone":"+442079460958","first_name":"Ann",
                 "last_name":"Lee","gender":"F","dob":"1990-04-03","image_url":"https://img.example/a.png",
                 "home_city":"Leeds","country":"GB","plan":"pro","score":3}"""));
    }

    @Test
    void valuesBrazeWouldRefuseAreLeftOut() {
        assertThat(BrazeMapping.dob("03/04/1990")).isNull();
        assertThat(BrazeMapping.country("France")).isNull();
        assertThat(BrazeMapping.phone("650 555 1234")).isEqualTo("650 555 1234");
    }

    @Test
    void anOrderWithoutProductsIsACustomEvent() throws Exception {
        ObjectNode order = order("u", 0);
        JsonNode body = body(run(bean(75), List.of(order), new Batch[1]).get(0));
        assertThat(body.at("/events/0/name").asText()).isEqualTo("Order Completed");
        assertThat(body.has("purchases")).isFalse();
    }

    @Test
    void settingsAreCheckedWhenTheModuleStarts() {
        BrazeRequest bean = new BrazeRequest();
        assertThatThrownBy(() -> bean.setApiKey(" ")).hasMessageContaining("BRAZE_API_KEY");
        assertThatThrownBy(() -> bean.setMaxObjects(226)).hasMessageContaining("between 1 and 225");
        bean.setBaseUrl("https://rest.fra-01.braze.eu//");
        bean.setApiKey("k");
        assertThat(bean).extracting("url").isEqualTo("https://rest.fra-01.braze.eu/users/track");
    }

    static BrazeRequest bean(int maxObjects) {
        BrazeRequest bean = new BrazeRequest();
        bean.setBaseUrl("https://rest.iad-01.braze.com");
        bean.setApiKey("k");
        bean.setMaxObjects(maxObjects);
        return bean;
    }

    @SuppressWarnings("unchecked")
    static List<VendorRequest> run(BrazeRequest bean, List<ObjectNode> events, Batch[] batch) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        batch[0] = Batch.of(exchange);
        exchange.getIn().setBody(new ArrayList<>(events));
        bean.process(exchange);
        return exchange.getIn().getBody(List.class);
    }

    @Test
    void anOrderWithoutItsCurrencyIsRefusedUnlessTheShopHasOne() throws Exception {
        ObjectNode noCurrency = order("u", 1);
        ((ObjectNode) noCurrency.get("properties")).remove("currency");
        Batch[] batch = new Batch[1];
        assertThat(run(bean(75), List.of(noCurrency), batch)).isEmpty();
        assertThat(batch[0].rejectionReasons().get(noCurrency)).contains("without a currency");

        BrazeRequest euro = bean(75);
        euro.setDefaultCurrency("EUR");
        VendorRequest r = run(euro, List.of(noCurrency), new Batch[1]).get(0);
        assertThat(body(r).at("/purchases/0/currency").asText()).isEqualTo("EUR");
    }

    static JsonNode body(VendorRequest r) throws Exception {
        return MAPPER.readTree(r.body());
    }

    static ObjectNode track(String userId, String name) {
        ObjectNode e = MAPPER.createObjectNode().put("type", "track").put("userId", userId).put("event", name)
                .put("timestamp", "2024-11-28T08:00:00.000Z").put("messageId", "m-" + name);
        e.putObject("properties").put("k", "v");
        return e;
    }

    static ObjectNode order(String userId, int products) {
        ObjectNode e = track(userId, "Order Completed");
        ArrayNode list = ((ObjectNode) e.get("properties")).put("currency", "eur").putArray("products");
        for (int i = 0; i < products; i++) {
            list.addObject().put("product_id", "p" + i).put("price", 1.5).put("quantity", 1);
        }
        return e;
    }
}
