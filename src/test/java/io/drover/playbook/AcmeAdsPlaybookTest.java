package io.drover.playbook;

import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.drover.testing.JsonTrees;

/** A realistic playbook (src/test/resources/playbooks/acme-ads.playbook.yaml) on events as Drover stores them. */
class AcmeAdsPlaybookTest {

    private static final String EMAIL_HASH = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
    private static final String PHONE_HASH = "8efb96404be52f6109b9db0f687274a81e9e3cc23fabd6f0da5d38baa3d2facd";
    private static final String USER_HASH = "091925b534bb849134c9d190da0465a70ca1055e45bdd363102858e4e0dbd32c";

    /** A Segment "Order Completed" (ecommerce spec), after Drover's ingestion (messageId, timestamps, ip). */
    private static final String ORDER_COMPLETED = """
            {
              "type": "track",
              "event": "Order Completed",
              "userId": "user-8421",
              "anonymousId": "5c9b3f5e-7c1a-4d0e-9a57-0b6f1f3c2d11",
              "messageId": "ajs-next-1714557600000-4f6d",
              "timestamp": "2024-05-01T10:00:00.000Z",
              "originalTimestamp": "2024-05-01T09:59:59.620Z",
              "sentAt": "2024-05-01T09:59:59.700Z",
              "receivedAt": "2024-05-01T10:00:00.080Z",
              "properties": {
                "checkout_id": "fksdjfsdjfisjf9sdfjsd9f",
                "order_id": 50314,
                "affiliation": "Shop Example",
                "total": 27.50,
                "subtotal": 22.50,
                "revenue": 25.005,
                "shipping": 3,
                "tax": 2,
                "discount": 2.5,
                "coupon": "hasbros",
                "currency": " eur ",
                "products": [
                  {"product_id": "507f1f77bcf86cd799439011", "sku": "45790-32", "name": "Monopoly: 3rd Edition",
                   "price": 19, "quantity": "1", "category": "Games"},
                  {"product_id": "505bd76785ebb509fc183733", "sku": "46493-32", "name": "Uno Card Game",
                   "price": 3.5, "category": "Games"}
                ]
              },
              "context": {
                "ip": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
                "page": {"url": "https://shop.example/checkout/complete", "path": "/checkout/complete"},
                "traits": {"email": "  Jane.Doe@Example.com ", "phone": "+49 151 1234-5678"},
                "providers": {"acme": {"click_id": "AcMe.1.1714550000.xyz"}},
                "consent": {"categoryPreferences": {"Advertising": true, "Analytics": true}},
                "library": {"name": "analytics.js", "version": "next-1.64.0"}
              },
              "integrations": {"All": true}
            }
            """;

    private static Playbook playbook;

    @BeforeAll
    static void compile() {
        playbook = Playbook.compile("acme-ads", Path.of("src/test/resources/playbooks/acme-ads.playbook.yaml"),
                Playbooks.CAMEL);
    }

    @Test
    void orderCompletedBecomesAPurchaseWithHashedMatchKeys() {
        Result result = playbook.apply(JsonTrees.object(ORDER_COMPLETED));
        assertThat(result.outcome()).as(result.toString()).isEqualTo(Result.Outcome.TRANSFORMED);
        assertSameJson(result.output(), """
                {
                  "event_name": "Purchase",
                  "event_id": "ajs-next-1714557600000-4f6d",
                  "event_time": 1714557600,
                  "action_source": "website",
                  "event_source_url": "https://shop.example/checkout/complete",
                  "user_data": {
                    "em": "%s",
                    "ph": "%s",
                    "external_id": "%s",
                    "client_ip_address": "203.0.113.7",
                    "client_user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
                    "click_id": "AcMe.1.1714550000.xyz"
                  },
                  "custom_data": {
                    "currency": "EUR",
                    "value": 25.01,
                    "order_id": "50314",
                    "content_ids": ["507f1f77bcf86cd799439011", "505bd76785ebb509fc183733"],
                    "contents": [
                      {"id": "507f1f77bcf86cd799439011", "quantity": 1, "item_price": 19.0, "category": "Games"},
                      {"id": "505bd76785ebb509fc183733", "quantity": 1, "item_price": 3.5, "category": "Games"}
                    ],
                    "content_type": "product",
                    "num_items": 2
                  }
                }
                """.formatted(EMAIL_HASH, PHONE_HASH, USER_HASH));
    }

    @Test
    void theBatchGoesInTheEnvelope() {
        ObjectNode purchase = playbook.apply(JsonTrees.object(ORDER_COMPLETED)).output();
        Request request = playbook.request().orElseThrow();
        assertThat(request.headers()).containsEntry("Authorization", "Bearer {{env:ACME_ADS_TOKEN}}");
        assertThat(request.wrap(List.of(purchase), 500).toString())
                .isEqualTo("{\"pixel_id\":\"{{env:ACME_ADS_PIXEL_ID}}\",\"data\":[" + purchase + "]}");
    }

    @Test
    void aPageViewGetsOnlyGlobalAndItsSection() {
        String page = """
                {"type": "page", "name": "Home", "anonymousId": "a-1", "messageId": "m-2",
                 "timestamp": "2024-05-01T10:05:00.000Z", "properties": {"title": "Shop"},
                 "context": {"ip": "203.0.113.7", "page": {"url": "https://shop.example/"}}}
                """;
        assertSameJson(playbook.apply(JsonTrees.object(page)).output(), """
                {"event_name": "PageView", "event_id": "m-2", "event_time": 1714557900, "action_source": "website",
                 "event_source_url": "https://shop.example/", "user_data": {"client_ip_address": "203.0.113.7"}}
                """);
    }

    @Test
    void productViewedWithTheDefaultCurrency() {
        String viewed = """
                {"type": "track", "event": "Product Viewed", "anonymousId": "a-1", "messageId": "m-4",
                 "timestamp": "2024-05-01T10:05:00.000Z", "properties": {"product_id": "p-1", "price": "12.90"}}
                """;
        assertSameJson(playbook.apply(JsonTrees.object(viewed)).output(), """
                {"event_name": "ViewContent", "event_id": "m-4", "event_time": 1714557900, "action_source": "website",
                 "custom_data": {"content_ids": ["p-1"], "value": 12.9, "currency": "USD"}}
                """);
    }

    @Test
    void otherTrackEventsBecomeCustomEventsWithTheirProperties() {
        String signup = """
                {"type": "track", "event": "Newsletter Signed Up", "userId": "user-8421", "messageId": "m-3",
                 "timestamp": "2024-05-01T10:05:00.000Z", "properties": {"list": "weekly", "test": false}}
                """;
        assertSameJson(playbook.apply(JsonTrees.object(signup)).output(), """
                {"event_name": "Newsletter Signed Up", "event_id": "m-3", "event_time": 1714557900,
                 "action_source": "website", "user_data": {"external_id": "%s"},
                 "custom_data": {"list": "weekly"}}
                """.formatted(USER_HASH));
    }

    @Test
    void qaTrafficAndZeroValueOrdersAreDropped() {
        ObjectNode qa = JsonTrees.object(ORDER_COMPLETED);
        ((ObjectNode) qa.at("/context/traits")).put("email", "robot@qa.shop.example");
        assertThat(playbook.apply(qa).reason()).isEqualTo("denied by filter 'QA traffic' (global.filters[0])");

        ObjectNode free = JsonTrees.object(ORDER_COMPLETED);
        ((ObjectNode) free.get("properties")).put("revenue", 0);
        assertThat(playbook.apply(free).reason())
                .isEqualTo("denied by filter 'zero-value orders' (eventSpecific.\"Order Completed\".filters[0])");
    }
}
