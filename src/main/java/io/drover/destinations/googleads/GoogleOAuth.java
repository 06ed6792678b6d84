package io.drover.destinations.googleads;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.GuardedHttp;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Google Ads API access tokens from a refresh token, as Google's own client libraries get them: {@code POST
 * https://oauth2.googleapis.com/token} with {@code grant_type=refresh_token}, {@code client_id}, {@code client_secret}
 * and {@code refresh_token}; the answer's {@code access_token} is kept until a minute before its {@code expires_in}.
 * An access token lives about an hour, so a module given only one would stop working after that.
 * <p>
 * Failures are classified like a vendor's: the token endpoint unreachable, a 5xx or a 429 is retried; a refusal
 * ({@code invalid_grant}: the refresh token was revoked or expired; {@code invalid_client}) is not, so the batch is
 * dead-lettered with Google's answer and can be replayed once the credentials are fixed. The request (it carries the
 * secrets) is never logged or kept.
 * <p>
 * The token URL is a setting, so it goes through Drover's guard ({@link GuardedHttp}) like every vendor URL: checked before
 * each request and resolved by the guard when the connection is made (no redirects followed).
 */
final class GoogleOAuth {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A token is replaced this long before Google says it expires: a request in flight must not carry a dead one. */
    private static final long MARGIN_MILLIS = 60_000;
    /** A token refused sooner than this after it was issued is a credentials problem, not an expired token. */
    private static final long FRESH_MILLIS = 5 * 60_000;

    /** Where the token URL comes from, as its refusal names it. */
    static final String SETTING = "google-ads.token-url";
    private static final ContentType FORM = ContentType.create("application/x-www-form-urlencoded");

    private final String tokenUrl;
    private final String form;
    private final GuardedHttp guard;
    private final CloseableHttpClient http;
    private String token;
    private long issuedAt;
    private long renewAt;

    GoogleOAuth(String tokenUrl, String clientId, String clientSecret, String refreshToken, GuardedHttp guard) {
        this.tokenUrl = tokenUrl;
        this.guard = guard;
        this.http = guard.client(Timeout.ofSeconds(10));
        this.form = "grant_type=refresh_token&client_id=" + encode(clientId) + "&client_secret=" + encode(clientSecret)
                + "&refresh_token=" + encode(refreshToken);
    }

    /** A valid access token: the kept one, or a new one from the token endpoint. */
    synchronized String token() {
        long now = System.currentTimeMillis();
        if (token == null || now >= renewAt) {
            refresh(now);
        }
        return token;
    }

    /**
     * The API refused {@code refused} as unauthenticated. True when it was the kept token and old enough to have been
     * revoked or expired early: it is dropped and the next attempt gets a new one. False when it was just issued (the
     * credentials themselves are wrong: retrying would not help).
     */
    synchronized boolean refused(String refused) {
        if (refused == null || !refused.equals(token) || System.currentTimeMillis() - issuedAt < FRESH_MILLIS) {
            return false;
        }
        token = null;
        return true;
    }

    private record Answer(int status, String body) {
    }

    private void refresh(long now) {
        Answer response;
        try {
            try {
                guard.check("the token URL (" + SETTING + ")", tokenUrl);
            } catch (UnknownHostException e) {
                if (GuardedHttp.isRefusal(e)) {
                    throw e;
                }
                // Not resolvable now: the connection below resolves it again (through the guard) and says so.
            }
            HttpPost post = new HttpPost(tokenUrl);
            post.setEntity(new ByteArrayEntity(form.getBytes(StandardCharsets.US_ASCII), FORM));
            response = http.execute(post, r -> new Answer(r.getCode(),
                    r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            if (GuardedHttp.isRefusal(e)) {
                // At the check, or at the connection (the name resolved elsewhere since): not retried.
                throw new DeliveryException("Google's token endpoint: " + e.getMessage(), 0, null, false, 0);
            }
            throw new DeliveryException("Google's token endpoint could not be reached: " + e, 0, null, true, 0);
        }
        int status = response.status();
        JsonNode answer;
        try {
            answer = MAPPER.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            answer = MAPPER.createObjectNode();
        }
        if (status != 200 || !answer.path("access_token").isTextual()) {
            boolean retryable = status == 0 || status == 429 || status >= 500;
            // Google's error answer names the problem (invalid_grant, invalid_client) and carries no secret.
            throw new DeliveryException("Google's token endpoint refused the refresh token (HTTP " + status + ", "
                    + answer.path("error").asText("no access_token") + "): set GOOGLE_ADS_REFRESH_TOKEN,"
                    + " GOOGLE_ADS_CLIENT_ID and GOOGLE_ADS_CLIENT_SECRET again, then replay", status,
                    answer.has("access_token") ? null : response.body(), retryable, 0);
        }
        token = answer.get("access_token").asText();
        issuedAt = now;
        renewAt = now + Math.max(0, answer.path("expires_in").asLong(3600) * 1000 - MARGIN_MILLIS);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
