package io.drover.destinations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the ad platforms' fields come from in a Segment event. */
class SegmentFieldsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void valueIsRevenueThenTotalThenValueThenPriceTimesQuantity() throws Exception {
        assertThat(SegmentFields.value(event("{\"revenue\":10.5,\"total\":12,\"value\":13}"))).isEqualByComparingTo("10.5");
        assertThat(SegmentFields.value(event("{\"total\":12,\"value\":13}"))).isEqualByComparingTo("12");
        assertThat(SegmentFields.value(event("{\"value\":\"13.20\"}"))).isEqualByComparingTo("13.20");
        assertThat(SegmentFields.value(event("{\"price\":89.99,\"quantity\":3}"))).isEqualByComparingTo("269.97");
        assertThat(SegmentFields.value(event("{\"price\":\"abc\"}"))).isNull();
        assertThat(SegmentFields.value(event("{}"))).isNull();
    }

    @Test
    void productsAreTheProductsArrayOrTheEventsOwnProduct() throws Exception {
        assertThat(SegmentFields.products(event("{\"products\":[{\"product_id\":\"a\"},{\"sku\":\"b\",\"quantity\":2}]}")))
                .extracting(SegmentFields::productId).containsExactly("a", "b");
        assertThat(SegmentFields.numItems(SegmentFields.products(
                event("{\"products\":[{\"product_id\":\"a\"},{\"sku\":\"b\",\"quantity\":2}]}")))).isEqualTo(3);
        assertThat(SegmentFields.products(event("{\"sku\":\"c\",\"price\":1}"))).hasSize(1);
        assertThat(SegmentFields.products(event("{\"query\":\"shoes\"}"))).isEmpty();
        assertThat(SegmentFields.numItems(SegmentFields.products(event("{}")))).isNull();
    }

    @Test
    void traitsComeFromIdentifyOrFromContext() {
        assertThat(SegmentFields.traits(GoldenFiles.event("identify")).get("plan").asText()).isEqualTo("premium");
        assertThat(SegmentFields.traits(GoldenFiles.event("page")).get("email").asText()).contains("Jane.Doe");
        assertThat(SegmentFields.traits(GoldenFiles.event("anonymous-track")).isMissingNode()).isTrue();
    }

    @Test
    void timeIsTheTimestampInSecondsAndCurrencyUpperCase() throws Exception {
        assertThat(SegmentFields.epochSeconds(GoldenFiles.event("page"))).isEqualTo(1732780800L);
        assertThat(SegmentFields.epochSeconds(MAPPER.createObjectNode())).isEqualTo(-1);
        assertThat(SegmentFields.currency(event("{\"currency\":\" eur \"}"))).isEqualTo("EUR");
    }

    private static ObjectNode event(String properties) throws Exception {
        return (ObjectNode) MAPPER.readTree("{\"type\":\"track\",\"properties\":" + properties + "}");
    }
}
