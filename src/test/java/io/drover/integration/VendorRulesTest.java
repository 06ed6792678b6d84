package io.drover.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The template's vendor-rules step: the vendor's window refuses old events alone, before the request bean. */
class VendorRulesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anEventPastTheWindowIsRefusedWithTheVendorsWordsAndTheOthersGoOn() {
        VendorRules rules = new VendorRules();
        rules.setIntegration("meta");
        rules.setVendor("Meta");
        rules.setMaxAge("7d");
        Instant eightDays = Instant.now().minus(Duration.ofDays(8)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ObjectNode old = event(eightDays), fresh = event(Instant.now()), noTime = MAPPER.createObjectNode();
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(new ArrayList<>(List.of(old, fresh, noTime)));
        rules.process(exchange);
        assertThat(exchange.getIn().getBody(List.class)).containsExactly(fresh, noTime);
        assertThat(exchange.getProperty(SelectEvents.SELECTED, Integer.class)).isEqualTo(2);
        assertThat(BatchState.of(exchange).rejectionReasons().get(old))
                .isEqualTo("older than Meta's 7 days (event time " + eightDays + ")");
        assertThat(BatchState.of(exchange).isOpen(old)).isFalse();
    }

    @Test
    void theWindowIsNamedAsTheSettingGivesItAndChecked() {
        assertThat(VendorRules.describe("72h")).isEqualTo("72 hours");
        assertThat(VendorRules.describe("1d")).isEqualTo("1 day");
        assertThat(VendorRules.describe("37d")).isEqualTo("37 days");
        VendorRules none = new VendorRules();
        none.setMaxAge("");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        List<ObjectNode> events = List.of(event(Instant.EPOCH.plusSeconds(1)));
        exchange.getIn().setBody(events);
        none.process(exchange);
        assertThat(exchange.getIn().getBody(List.class)).isSameAs(events);
        assertThatThrownBy(() -> new VendorRules().setMaxAge("0s")).isInstanceOf(IllegalArgumentException.class);
    }

    private static ObjectNode event(Instant time) {
        return MAPPER.createObjectNode().put("type", "track").put("timestamp", time.toString());
    }
}
