package io.drover.destinations.tiktok;

import io.drover.destinations.api.Mapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.Hashing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** TikTok's hashing of user data and its event names. */
class TikTokEventsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void emailPhoneAndExternalIdAreNormalisedThenHashed() {
        assertThat(TikTokEvents.email(" Jane.Doe@Example.COM ")).isEqualTo(Hashing.sha256("jane.doe@example.com"));
        // E.164 with its "+": sha256("+16505551234").
        assertThat(TikTokEvents.phone("+1 (650) 555-1234"))
                .isEqualTo("a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0");
        assertThat(TikTokEvents.phone("0044 20 7946 0958")).isEqualTo(Hashing.sha256("+442079460958"));
        assertThat(TikTokEvents.phone("--")).isNull();
        assertThat(TikTokEvents.externalId(" user-1001 ")).isEqualTo(Hashing.sha256("user-1001"));
    }

    @Test
    void neverHashesTwiceNorHashesIdsOfTheBrowser() throws Exception {
        String digest = Hashing.sha256("jane.doe@example.com");
        assertThat(TikTokEvents.email(digest)).isEqualTo(digest);
        ObjectNode user = TikTokEvents.user(MAPPER.readTree("""
                {"type":"track","userId":"u","context":{"ip":"203.0.113.7","userAgent":"UA/1.0",
                 "traits":{"email":"%s"},"providers":{"tiktok":{"ttclid":"E.C.P.x","ttp":"ttp-1"}}}}""".formatted(digest)));
        assertThat(user.get("email").asText()).isEqualTo(digest);
        assertThat(user.get("ip").asText()).isEqualTo("203.0.113.7");
        assertThat(user.get("user_agent").asText()).isEqualTo("UA/1.0");
        assertThat(user.get("ttclid").asText()).isEqualTo("E.C.P.x");
        assertThat(user.get("ttp").asText()).isEqualTo("ttp-1");
    }

    @Test
    void segmentEcommerceEventsBecomeTikTokStandardEvents() throws Exception {
        assertThat(name("Order Completed")).isEqualTo("Purchase");
        assertThat(name("Product Added")).isEqualTo("AddToCart");
        assertThat(name("Product Viewed")).isEqualTo("ViewContent");
        assertThat(name("Checkout Started")).isEqualTo("InitiateCheckout");
        assertThat(name("Products Searched")).isEqualTo("Search");
        assertThat(name("Signed Up")).isEqualTo("CompleteRegistration");
        assertThat(name("Level Up")).isEqualTo("Level Up");
        assertThat(mapped(event("{\"type\":\"page\",\"timestamp\":\"2024-11-28T08:00:00Z\"}"))
                .get("event").asText()).isEqualTo("Pageview");
        assertThat(TikTokEvents.map(event("{\"type\":\"identify\",\"timestamp\":\"2024-11-28T08:00:00Z\"}")))
                .isEqualTo(Mapped.notForVendor());
    }

    /** Issue 16's comparison with MetaRouter's kit: what TikTok documents and Drover did not send. */
    @Test
    void anOrderCarriesItsIdsItemCountOrderIdLocaleAndLimitedDataUse() throws Exception {
        ObjectNode order = mapped(event("""
                {"type":"track","event":"Order Completed","timestamp":"2024-11-28T08:00:00Z",
                 "properties":{"order_id":"o-1","revenue":30,"currency":"usd","products":[
                   {"product_id":"a","price":10,"quantity":2},{"sku":"b","price":10}]},
                 "context":{"locale":"fr-FR","consent":{"categoryPreferences":{"advertising":true}}}}"""));
        assertThat(order.get("event").asText()).isEqualTo("Purchase");
        assertThat(order.at("/properties/content_ids").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(order.at("/properties/num_items").asLong()).isEqualTo(3);
        assertThat(order.at("/properties/order_id").asText()).isEqualTo("o-1");
        assertThat(order.at("/user/locale").asText()).isEqualTo("fr-FR");
        assertThat(order.get("limited_data_use").asBoolean()).isFalse();

        ObjectNode added = mapped(event("""
                {"type":"track","event":"Product Added","timestamp":"2024-11-28T08:00:00Z",
                 "properties":{"product_id":"a","name":"Sneaker","price":10,"quantity":2},
                 "context":{"consent":{"categoryPreferences":{"advertising":false}}}}"""));
        assertThat(added.at("/properties/description").asText()).isEqualTo("Sneaker");
        assertThat(added.at("/properties/num_items").asLong()).isEqualTo(2);
        assertThat(added.has("order_id")).isFalse();
        // Refused advertising (a module whose consent setting lets it through): TikTok is asked to limit its use.
        assertThat(added.get("limited_data_use").asBoolean()).isTrue();
        // No consent in the event: nothing claimed.
        assertThat(mapped(event("{\"type\":\"track\",\"event\":\"E\",\"timestamp\":\"2024-11-28T08:00:00Z\"}"))
                .has("limited_data_use")).isFalse();
    }

    @Test
    void anEventWithoutATimeOrATrackWithoutANameIsRefused() throws Exception {
        assertThat(TikTokEvents.map(event("{\"type\":\"track\",\"event\":\"E\"}")))
                .isEqualTo(Mapped.refused("missing_field", "no timestamp"));
        assertThat(TikTokEvents.map(event("{\"type\":\"track\",\"timestamp\":\"2024-11-28T08:00:00Z\"}")))
                .isEqualTo(Mapped.refused("missing_field", "a track without an event name"));
    }

    private static String name(String track) throws Exception {
        return mapped(event("{\"type\":\"track\",\"event\":\"" + track
                + "\",\"timestamp\":\"2024-11-28T08:00:00Z\"}")).get("event").asText();
    }

    private static ObjectNode event(String json) throws Exception {
        return (ObjectNode) MAPPER.readTree(json);
    }

    private static ObjectNode mapped(ObjectNode event) {
        return ((Mapped.To<ObjectNode>) TikTokEvents.map(event)).value();
    }
}
