package io.drover.destinations;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
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
            // The events as Drover stored them, byte for byte, copied once into a body of the exact size: writing
            // each tree again was most of this step's CPU, and a growing buffer copied the body again.
            byte[][] stored = new byte[events.size()][];
            byte[] end = ("],\"sentAt\":\"" + batch.clock().instant() + "\"}").getBytes(StandardCharsets.US_ASCII);
            int size = BATCH_START.length + Math.max(0, events.size() - 1) + end.length;
            for (int i = 0; i < stored.length; i++) {
                stored[i] = batch.storedJson(events.get(i));
                size += stored[i].length;
            }
            body = new byte[size];
            System.arraycopy(BATCH_START, 0, body, 0, BATCH_START.length);
            int at = BATCH_START.length;
            for (int i = 0; i < stored.length; i++) {
                if (i > 0) {
                    body[at++] = ',';
                }
                System.arraycopy(stored[i], 0, body, at, stored[i].length);
                at += stored[i].length;
            }
            System.arraycopy(end, 0, body, at, end.length);
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
