package io.drover.destinations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.BatchState;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/** Runs a request bean over a batch of events outside a route, as unit tests need it: its requests and rejections. */
public record BeanRun(List<VendorRequest> requests, Map<ObjectNode, String> rejected) {

    @SuppressWarnings("unchecked")
    public static BeanRun of(Processor bean, List<ObjectNode> events) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(new ArrayList<>(events));
        BatchState batch = BatchState.of(exchange);
        batch.selected(events);
        bean.process(exchange);
        return new BeanRun(exchange.getIn().getBody(List.class), batch.rejectionReasons());
    }
}
