package io.drover.vendor;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The generic webhook's request: one event as is, or a batch as {@code {"batch":[...],"sentAt":...}} (Segment's
 * shape), signed with HMAC-SHA256 of the exact body bytes in {@code X-Drover-Signature: sha256=<hex>} so that the
 * receiver can check it came from Drover.
 */
public class WebhookRequest implements Processor {

    public static final String SIGNATURE_HEADER = "X-Drover-Signature";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String secret;

    public void setSecret(String secret) {
        this.secret = secret;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        byte[] body;
        if (events.size() == 1) {
            body = MAPPER.writeValueAsBytes(events.get(0));
        } else {
            ObjectNode batch = MAPPER.createObjectNode();
            batch.putArray("batch").addAll(events);
            batch.put("sentAt", Instant.now().toString());
            body = MAPPER.writeValueAsBytes(batch);
        }
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getIn().setHeader(SIGNATURE_HEADER, "sha256=" + sign(body));
        // Written as bytes (see JsonText), signed as bytes, handed on as text (the request bean's contract).
        exchange.getIn().setBody(new String(body, StandardCharsets.UTF_8));
    }

    String sign(byte[] body) throws NoSuchAlgorithmException, InvalidKeyException {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("the webhook has no signing secret (WEBHOOK_SECRET)");
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
