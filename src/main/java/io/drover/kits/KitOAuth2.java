package io.drover.kits;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.integration.GuardedHttpComponent;
import io.drover.integration.TargetGuard;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * A kit's {@code oauth2Auth}: an access token fetched from the kit's token request (its {@code url}, {@code method},
 * {@code contentType} and {@code body} keys, with a signed JWT under {@code jwt.requestKey} when the kit has a
 * {@code jwt}: HS256 with {@code hsSigningSecret} or RS256 with {@code rsaPemKey}, its {@code claims} plus
 * {@code iat}, {@code exp} (an hour) and, with {@code includeJti}, a {@code jti}), read from the answer's
 * {@code responseAccessTokenKey}, kept until a minute before its {@code expires_in} (an hour when it does not say),
 * and sent as {@code Authorization: Bearer <token>} (in place of an Authorization header the kit writes). The token URL goes
 * through Drover's {@link TargetGuard}. An unreachable endpoint, a 5xx or a 429 is retried; a refusal is not (the
 * batch is dead-lettered with the answer, to replay once the credentials are fixed). The request carries secrets:
 * it is never logged or kept.
 */
final class KitOAuth2 {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MARGIN_MILLIS = 60_000;

    private final String kit;
    private final String url;
    private final boolean json;
    private final Map<String, String> body = new LinkedHashMap<>();
    private final String tokenKey;
    private final JsonNode jwt;
    private CloseableHttpClient http;
    private String token;
    private long renewAt;

    KitOAuth2(String kit, JsonNode auth) {
        this.kit = kit;
        JsonNode r = auth.path("request");
        this.url = r.path("url").asText();
        if (url.isEmpty()) {
            throw new IllegalArgumentException(kit + ": connection oauth2Auth.request.url is required");
        }
        if (!r.path("method").asText("POST").equalsIgnoreCase("POST")) {
            throw new IllegalArgumentException(kit + ": connection oauth2Auth.request.method: only POST is supported");
        }
        this.json = r.path("contentType").asText("application/x-www-form-urlencoded").contains("json");
        r.path("body").forEach(kv -> body.put(kv.path("key").asText(), kv.path("value").asText()));
        this.tokenKey = auth.path("responseAccessTokenKey").asText("access_token");
        this.jwt = auth.has("jwt") ? auth.get("jwt") : null;
        if (jwt != null) {
            String method = jwt.path("signingMethod").asText();
            if (!method.equals("SIGNING_METHOD_HS256") && !method.equals("SIGNING_METHOD_RS256")) {
                throw new IllegalArgumentException(kit + ": connection oauth2Auth.jwt.signingMethod " + method
                        + " is not supported (HS256 and RS256 are)");
            }
        }
    }

    /** A valid access token: the kept one, or a new one. {@code rebase} maps the token URL (the auth base URL). */
    synchronized String token(TargetGuard guard, UnaryOperator<String> rebase) {
        long now = System.currentTimeMillis();
        if (token == null || now >= renewAt) {
            fetch(guard, rebase.apply(url), now);
        }
        return token;
    }

    private void fetch(TargetGuard guard, String target, long now) {
        Map<String, String> fields = new LinkedHashMap<>(body);
        if (jwt != null) {
            fields.put(jwt.path("requestKey").asText("assertion"), jwt(now));
        }
        String text;
        ContentType type;
        if (json) {
            ObjectNode o = MAPPER.createObjectNode();
            fields.forEach(o::put);
            text = o.toString();
            type = ContentType.APPLICATION_JSON;
        } else {
            StringBuilder b = new StringBuilder();
            fields.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(encode(k)).append('=').append(encode(v)));
            text = b.toString();
            type = ContentType.create("application/x-www-form-urlencoded");
        }
        int status;
        String answer;
        try {
            try {
                guard.check("the kit's token URL", target);
            } catch (UnknownHostException e) {
                // resolved again by the guard at the connection, which says so
            }
            if (http == null) {
                http = GuardedHttpComponent.client(guard, Timeout.ofSeconds(10));
            }
            HttpPost post = new HttpPost(target);
            post.setEntity(new ByteArrayEntity(text.getBytes(StandardCharsets.UTF_8), type));
            String[] got = http.execute(post, r -> new String[] {Integer.toString(r.getCode()),
                r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8)});
            status = Integer.parseInt(got[0]);
            answer = got[1];
        } catch (TargetGuard.Refused e) {
            throw new DeliveryException(kit + ": token endpoint: " + e.getMessage(), 0, null, false, 0);
        } catch (IOException e) {
            throw new DeliveryException(kit + ": token endpoint could not be reached: " + e, 0, null, true, 0);
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(answer.isEmpty() ? "{}" : answer);
        } catch (IOException e) {
            parsed = MAPPER.createObjectNode();
        }
        if (status != 200 || !parsed.path(tokenKey).isTextual()) {
            boolean retryable = status == 429 || status >= 500;
            throw new DeliveryException(kit + ": token endpoint refused (HTTP " + status + ", "
                    + parsed.path("error").asText("no " + tokenKey) + "): check the kit's credentials, then replay",
                    status, parsed.has(tokenKey) ? null : answer, retryable, 0);
        }
        token = parsed.get(tokenKey).asText();
        io.drover.support.Redactor.learnValues(java.util.List.of(token));
        renewAt = now + Math.max(0, parsed.path("expires_in").asLong(3600) * 1000 - MARGIN_MILLIS);
    }

    /** The signed JWT of the kit's claims. */
    String jwt(long now) {
        boolean rs = jwt.path("signingMethod").asText().endsWith("RS256");
        ObjectNode header = MAPPER.createObjectNode().put("alg", rs ? "RS256" : "HS256").put("typ", "JWT");
        ObjectNode claims = MAPPER.createObjectNode();
        jwt.path("claims").forEach(c -> claims.put(c.path("key").asText(), c.path("value").asText()));
        claims.put("iat", now / 1000).put("exp", now / 1000 + 3600);
        if (jwt.path("includeJti").asBoolean(false)) {
            claims.put("jti", UUID.randomUUID().toString());
        }
        String signingInput = b64(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            byte[] signature;
            if (rs) {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(rsaKey(jwt.path("rsaPemKey").asText()));
                s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                signature = s.sign();
            } else {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(jwt.path("hsSigningSecret").asText().getBytes(StandardCharsets.UTF_8),
                        "HmacSHA256"));
                signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            }
            return signingInput + "." + b64(signature);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            // The key is a secret: the message names the problem, never the key.
            throw new DeliveryException(kit + ": the JWT could not be signed (" + e.getClass().getSimpleName()
                    + "): check the kit's private key or secret", 0, null, false, 0);
        }
    }

    /** A PKCS#8 PEM key, as Google's service-account files have it (with literal \n too). */
    private static PrivateKey rsaKey(String pem) throws java.security.GeneralSecurityException {
        String base64 = pem.replace("\\n", "\n").replaceAll("-----(BEGIN|END) [A-Z ]*PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
