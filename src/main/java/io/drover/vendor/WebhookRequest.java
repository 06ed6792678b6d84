package io.drover.vendor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.Batch;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The generic webhook's request: one event as is, or a batch as {@code {"batch":[...],"sentAt":...}} (Segment's
 * shape), signed with HMAC-SHA256 of the exact body bytes in {@code X-Drover-Signature: sha256=<hex>} so that the
 * receiver can check it came from Drover.
 */
public class WebhookRequest implements Processor {

    public static final String SIGNATURE_HEADER = "X-Drover-Signature";
    private static final byte[] BATCH_START = "{\"batch\":[".getBytes(StandardCharsets.US_ASCII);

    private String secret;

    public void setSecret(String secret) {
        this.secret = secret;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        byte[] body;
        if (events.size() == 1) {
            body = batch.storedJson(events.get(0));
        } else {
            // The events as Drover stored them, byte for byte: writing each tree again was most of this step's CPU.
            ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 800 + 64);
            out.write(BATCH_START);
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(batch.storedJson(events.get(i)));
            }
            out.write(("],\"sentAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.US_ASCII));
            body = out.toByteArray();
        }
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getIn().setHeader(SIGNATURE_HEADER, "sha256=" + sign(body));
        // Signed as bytes, handed on as text (the request bean's contract).
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
