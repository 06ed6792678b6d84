package io.drover.vendor.googleads;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.integration.DeliveryException;

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
 */
final class GoogleOAuth {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A token is replaced this long before Google says it expires: a request in flight must not carry a dead one. */
    private static final long MARGIN_MILLIS = 60_000;
    /** A token refused sooner than this after it was issued is a credentials problem, not an expired token. */
    private static final long FRESH_MILLIS = 5 * 60_000;

    private final String tokenUrl;
    private final String form;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;
    private long issuedAt;
    private long renewAt;

    GoogleOAuth(String tokenUrl, String clientId, String clientSecret, String refreshToken) {
        this.tokenUrl = tokenUrl;
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

    private void refresh(long now) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DeliveryException("Google's token endpoint could not be reached: " + e.getMessage(), 0, null, true, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while getting a Google access token", 0, null, true, 0);
        }
        int status = response.statusCode();
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
