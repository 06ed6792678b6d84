package io.drover.kits;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.DeliveryException;
import io.drover.integration.TargetGuard;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.GoldenFiles;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kits with {@code oauth2Auth}, against a stand-in token endpoint on loopback: the token request the kit describes
 * (client credentials; a JWT signed with HS256 and checked here with the secret), the token sent as a Bearer header
 * and kept for the next batch, and a refusal that is not retried.
 */
class KitOAuth2Test {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private WireMockServer auth;
    private final DefaultCamelContext context = new DefaultCamelContext();

    @BeforeAll
    static void installed() {
        StarterKits.assumeInstalled();
    }

    @BeforeEach
    void start() {
        auth = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        auth.start();
        context.getRegistry().bind(TargetGuard.BEAN, new TargetGuard(true));
    }

    @AfterEach
    void stop() {
        auth.stop();
    }

    private List<VendorRequest> run(String kit, Map<String, String> params) {
        KitRequest bean = new KitRequest();
        bean.setCamelContext(context);
        bean.setAuthBaseUrl("http://127.0.0.1:" + auth.port());
        KitRequest.Compiled c = KitRequest.compile(StarterKits.kit(kit), params, LuaSandbox.Bounds.DEFAULT);
        List<VendorRequest> out = new java.util.ArrayList<>();
        for (String event : List.of("order-completed", "page")) {
            out.addAll(bean.requests(c, List.of(GoldenFiles.event(event)), new Batch()));
        }
        return out;
    }

    @Test
    void clientCredentialsAreExchangedOnceForABearerToken() {
        auth.stubFor(post(urlPathEqualTo("/auth/realms/master/protocol/openid-connect/token"))
                .willReturn(okJson("{\"access_token\":\"tok-cc-1\",\"expires_in\":3600}")));
        Map<String, String> params = new HashMap<>(StarterKits.exampleParams(StarterKits.kit("wallaroo")));
        params.put("CONFIDENTIAL_CLIENT", "client-7");
        params.put("CONFIDENTIAL_CLIENT_SECRET", "s3cret-value-7");
        List<VendorRequest> requests = run("wallaroo", params);
        assertThat(requests).hasSize(2).allSatisfy(r ->
                assertThat(r.headers()).containsEntry("Authorization", "Bearer tok-cc-1"));
        List<LoggedRequest> token = auth.findAll(postRequestedFor(urlPathEqualTo(
                "/auth/realms/master/protocol/openid-connect/token")));
        assertThat(token).hasSize(1);
        Map<String, String> form = form(token.get(0).getBodyAsString());
        assertThat(form).containsEntry("grant_type", "client_credentials").containsEntry("client_id", "client-7")
                .containsEntry("client_secret", "s3cret-value-7");
        assertThat(token.get(0).getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    }

    @Test
    void aJwtSignedWithTheKitsSecretIsSentAndItsTokenUsedAsBearer() throws Exception {
        auth.stubFor(post(urlPathEqualTo("/identity/oauth2/token")).willReturn(okJson("{\"access_token\":\"tok-jwt-1\"}")));
        Map<String, String> params = Map.of("OAUTH2_REQUEST_URL", "https://id.b2b.yahooinc.com/identity",
                "CLIENT_ID", "yahoo-client", "CLIENT_SECRET", "yahoo-secret-0123456789", "PIXEL_ID", "px-1");
        List<VendorRequest> requests = run("yahoo-conversions-api", params);
        assertThat(requests).isNotEmpty().allSatisfy(r ->
                assertThat(r.headers()).containsEntry("Authorization", "Bearer tok-jwt-1"));
        // The token URL is the kit's, on the auth base URL: its path kept.
        List<LoggedRequest> token = auth.findAll(postRequestedFor(urlPathEqualTo("/identity/oauth2/token")));
        assertThat(token).hasSize(1);
        Map<String, String> form = form(token.get(0).getBodyAsString());
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        String[] jwt = form.get("client_assertion").split("\\.");
        JsonNode header = MAPPER.readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = MAPPER.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(claims.get("iss").asText()).isEqualTo("yahoo-client");
        assertThat(claims.get("aud").asText()).isEqualTo("https://id.b2b.yahooinc.com/identity");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
        assertThat(claims.hasNonNull("jti")).isTrue();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("yahoo-secret-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII)));
        assertThat(jwt[2]).isEqualTo(expected);
    }

    @Test
    void aRefusedTokenRequestIsNotRetriedAndSaysWhy() {
        auth.stubFor(post(urlPathEqualTo("/identity/oauth2/token")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_client\"}")));
        Map<String, String> params = Map.of("OAUTH2_REQUEST_URL", "https://id.b2b.yahooinc.com/identity",
                "CLIENT_ID", "c", "CLIENT_SECRET", "wrong-secret-0123", "PIXEL_ID", "px-1");
        assertThatThrownBy(() -> run("yahoo-conversions-api", params)).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("invalid_client").hasMessageNotContaining("wrong-secret")
                .satisfies(e -> assertThat(((DeliveryException) e).retryable()).isFalse());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
