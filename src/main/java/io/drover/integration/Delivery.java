package io.drover.integration;

import org.apache.camel.Exchange;

/**
 * The steps around every vendor call (bean {@code droverDelivery}, used by the integration route template): before,
 * refuse private targets, strip inbound HTTP headers, set the method and remember the request; after, classify the
 * answer.
 */
public class Delivery {

    private final boolean allowPrivateTargets;

    public Delivery(boolean allowPrivateTargets) {
        this.allowPrivateTargets = allowPrivateTargets;
    }

    public void prepare(Exchange exchange, String endpoint, String method) {
        VendorCall.checkTarget(endpoint, allowPrivateTargets);
        // Headers of the request that brought the event must never shape the vendor call (Invalid url: /v1/track/v1/track).
        exchange.getMessage().removeHeaders("CamelHttp*");
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        VendorCall.rememberRequest(exchange, method, endpoint, exchange.getMessage().getBody(String.class));
    }

    public void check(Exchange exchange) {
        VendorCall.checkResponse(exchange);
    }
}
