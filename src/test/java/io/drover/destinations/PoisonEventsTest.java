package io.drover.destinations;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.bench.VendorBeans;
import io.drover.destinations.api.VendorRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No single event can make a vendor module fail its batch: every shipped request bean, given a batch of good
 * purchases with one poison event among them (values ingestion accepts but a mapping may not express), either maps
 * the poison or refuses it alone with a reason; the good events are never refused, nothing throws, and no request
 * carries a value a vendor's JSON parser refuses ({@code Infinity}, {@code NaN}).
 */
class PoisonEventsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Poison(String name, Consumer<ObjectNode> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Poison> poisons = List.of(
                new Poison("revenue as text", e -> props(e).put("revenue", "abc").put("value", "abc").put("total", "x")),
                new Poison("revenue near a double's limit", e -> props(e).put("revenue", 1.7e308).put("value", -1.7e308)),
                new Poison("price as an object", e -> firstProduct(e).putObject("price").put("x", 1)),
                new Poison("products as text", e -> props(e).put("products", "oops")),
                new Poison("products with null, a number and text", e -> props(e).putArray("products").addNull().add(1).add("x")),
                new Poison("quantity negative and fractional", e -> firstProduct(e).put("quantity", -2.5)),
                new Poison("a 30 KB name", e -> props(e).put("name", "n".repeat(30 * 1024))),
                new Poison("an email that is a number", e -> e.withObject("context").withObject("traits").put("email", 42)),
                new Poison("a phone that is an object", e -> e.withObject("context").withObject("traits").putObject("phone")),
                new Poison("a currency that is an array", e -> props(e).putArray("currency").add("EUR")),
                new Poison("an event name of 2,000 characters", e -> e.put("event", "E".repeat(2000))),
                new Poison("providers as text", e -> e.withObject("context").put("providers", "oops")),
                new Poison("the year 0001", e -> e.put("timestamp", "0001-01-01T00:00:00.000Z")),
                new Poison("the year 9999", e -> e.put("timestamp", "9999-12-31T23:59:59.999Z")),
                new Poison("emoji and control characters", e -> props(e).put("coupon", "🚀\u0000\u001f\u2028")));
        List<Arguments> all = new ArrayList<>();
        for (String vendor : VendorBeans.names()) {
            for (Poison p : poisons) {
                all.add(Arguments.of(vendor, p));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void onePoisonEventIsMappedOrRefusedAloneAndTheBatchGoesOn(String vendor, Poison poison) throws Exception {
        ObjectNode first = purchase("good-1");
        ObjectNode bad = purchase("poison");
        poison.make().accept(bad);
        ObjectNode last = purchase("good-2");

        BeanRun run = BeanRun.of(VendorBeans.bean(vendor), List.of(first, bad, last));

        assertThat(run.rejected()).as("good events refused").doesNotContainKeys(first, last);
        if (run.rejected().containsKey(bad)) {
            assertThat(run.rejected().get(bad)).as("the poison's reason").isNotBlank();
        }
        // The webhook forwards the stored events byte for byte (ingestion validated them): it builds no requests here.
        for (VendorRequest r : run.requests() == null ? List.<VendorRequest>of() : run.requests()) {
            String body = r.body() == null ? "" : r.body();
            assertThat(body).as("a request body").doesNotContain("Infinity").doesNotContain("NaN");
            if (body.startsWith("{") || body.startsWith("[")) {
                MAPPER.readTree(body);   // valid JSON
            }
        }
    }

    private static ObjectNode purchase(String messageId) {
        ObjectNode e = GoldenFiles.event("order-completed");
        e.put("messageId", messageId);
        e.put("timestamp", java.time.Instant.now().minusSeconds(60).toString());
        return e;
    }

    private static ObjectNode firstProduct(ObjectNode e) {
        return (ObjectNode) props(e).withArray("products").get(0);
    }

    private static ObjectNode props(ObjectNode e) {
        return e.withObject("properties");
    }
}
