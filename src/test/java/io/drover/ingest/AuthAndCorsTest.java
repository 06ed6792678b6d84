package io.drover.ingest;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.BACKEND_KEY;
import static io.drover.testing.TestDrover.OPEN_KEY;
import static io.drover.testing.TestDrover.WEB_KEY;
import static io.drover.testing.TestDrover.WEB_ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write keys per source, and CORS per source: the web source allows its shop's origins, the backend source (allowed
 * origins set empty) is server-side only, the open source allows any origin.
 */
class AuthAndCorsTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void aMissingWriteKeyIs401() {
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("code").asText()).isEqualTo("unauthorized");
        assertThat(r.json().get("message").asText()).contains("missing write key");
    }

    @Test
    void aWrongWriteKeyIs401AndNotEchoed() {
        Http.Response basic = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                "Authorization", Http.basic("not-a-key-123"));
        Http.Response body = Http.post(drover.url("/v1/batch"), "{\"writeKey\":\"not-a-key-456\",\"batch\":[]}");
        for (Http.Response r : new Http.Response[] {basic, body}) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("message").asText()).isEqualTo("invalid write key");
        }
        assertThat(basic.body()).doesNotContain("not-a-key");
    }

    @Test
    void aMalformedAuthorizationHeaderIs401() {
        for (String header : new String[] {"Bearer " + WEB_KEY, "Basic !!!not-base64", "Basic " + java.util.Base64
                .getEncoder().encodeToString(":password-only".getBytes())}) {
            Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", header);
            assertThat(r.status()).as(header).isEqualTo(401);
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginAllowsAuthorizationAndContentType() {
        Http.Response r = Http.send("OPTIONS", drover.url("/v1/t"), null, "Origin", WEB_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
                "authorization,content-type,x-retry-count");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("access-control-allow-origin")).isEqualTo(WEB_ORIGIN);
        assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(r.header("access-control-allow-methods")).contains("POST");
        assertThat(r.header("access-control-allow-headers")).contains("authorization").contains("content-type")
                // analytics-next marks its retries with it (SegmentAnalyticsNextTest): not allowed, they are blocked.
                .contains("x-retry-count");
        assertThat(r.header("vary")).contains("Origin");
    }

    @Test
    void theOriginIsCheckedPerSourceOnTheRequestItself() {
        // A pre-flight carries no write key: an origin that some source (here 'open') allows passes it. The request
        // itself is then checked against its own source's origins.
        Http.Response r = Http.send("OPTIONS", drover.url("/v1/batch"), null, "Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST");
        assertThat(r.status()).isEqualTo(204);
        Http.Response post = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", "https://evil.example");
        assertThat(post.status()).isEqualTo(403);
        assertThat(post.json().get("code").asText()).isEqualTo("origin_not_allowed");
        assertThat(post.header("access-control-allow-origin")).isNull();
    }

    @Test
    void aRequestFromAnAllowedOriginGetsCorsHeaders() {
        String id = IngestApiTest.uniqueId();
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", "https://www.shop.example", "Content-Type", "text/plain");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://www.shop.example");
        assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(drover.topic.await(id).headers()).containsEntry("drover.source", "web");
    }

    @Test
    void aServerSideSourceRefusesBrowsers() {
        Http.Response browser = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                "Authorization", Http.basic(BACKEND_KEY), "Origin", WEB_ORIGIN);
        assertThat(browser.status()).isEqualTo(403);
        assertThat(browser.json().get("message").asText()).contains("source 'backend'");
        Http.Response server = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                "Authorization", Http.basic(BACKEND_KEY));
        assertThat(server.status()).isEqualTo(200);
    }

    @Test
    void aSourceWithoutAllowedOriginsTakesAnyOrigin() {
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                "Authorization", Http.basic(OPEN_KEY), "Origin", "https://anywhere.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://anywhere.example");
    }

    @Test
    void errorsCarryCorsHeadersSoThatBrowsersCanReadThem() {
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", WEB_ORIGIN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("access-control-allow-origin")).isEqualTo(WEB_ORIGIN);
    }

    @Test
    void aPreflightIsGrantedTheWellFormedHeadersItAsksFor() {
        // RudderStack's v3 browser SDK sends these on every request and on retries.
        Http.Response r = Http.send("OPTIONS", drover.url("/v1/batch"), null, "Origin", WEB_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
                "content-type,anonymousid,sentat,rsa-retry-attempt,rsa-since-last-attempt");
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("access-control-allow-headers")).contains("anonymousid").contains("sentat")
                .contains("rsa-retry-attempt").contains("rsa-since-last-attempt").contains("authorization");

        Http.Response malformed = Http.send("OPTIONS", drover.url("/v1/batch"), null, "Origin", WEB_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, x(evil)");
        assertThat(malformed.status()).isEqualTo(403);
        assertThat(malformed.json().get("code").asText()).isEqualTo("headers_not_allowed");
        Http.Response tooMany = Http.send("OPTIONS", drover.url("/v1/batch"), null, "Origin", WEB_ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
                String.join(",", java.util.Collections.nCopies(40, "x-a")));
        assertThat(tooMany.status()).isEqualTo(403);
        assertThat(tooMany.json().get("code").asText()).isEqualTo("headers_not_allowed");
    }

    @Test
    void anOriginAllowedOnlyByAWildcardGetsNoCredentials() {
        String id = IngestApiTest.uniqueId();
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"anonymousId\":\"a-1\",\"event\":\"E\","
                + "\"messageId\":\"" + id + "\"}", "Authorization", Http.basic(OPEN_KEY), "Origin", "https://anywhere.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("https://anywhere.example");
        assertThat(r.header("access-control-allow-credentials")).isNull();
        assertThat(r.header("set-cookie")).isNull();
        Http.Response preflight = Http.send("OPTIONS", drover.url("/v1/t"), null, "Origin", "https://anywhere.example",
                "Access-Control-Request-Method", "POST");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("access-control-allow-credentials")).isNull();
    }

    @Test
    void anOriginPatternAllowsSubdomainsAndNothingElse() {
        for (String origin : new String[] {"https://a.shop.example", "https://a.b.shop.example"}) {
            Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                    "Authorization", Http.basic(WEB_KEY), "Origin", origin);
            assertThat(r.status()).as(origin).isEqualTo(200);
            assertThat(r.header("access-control-allow-credentials")).as(origin).isEqualTo("true");
        }
        for (String origin : new String[] {"https://evilshop.example", "https://shop.example.evil.example",
                "http://a.shop.example", "https://a.shop.example:8443", "https://a@b.shop.example"}) {
            Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}",
                    "Authorization", Http.basic(WEB_KEY), "Origin", origin);
            assertThat(r.status()).as(origin).isEqualTo(403);
        }
    }

    @Test
    void theBeaconPathTakesTheWriteKeyInTheQuery() {
        // RudderStack's beacon transport: navigator.sendBeacon posts text/plain and cannot set Authorization.
        String id = IngestApiTest.uniqueId();
        Http.Response r = Http.post(drover.url("/beacon/v1/batch?writeKey=" + WEB_KEY), "{\"batch\":[{\"type\":\"track\","
                + "\"anonymousId\":\"b-1\",\"event\":\"Beacon\",\"messageId\":\"" + id + "\"}]}",
                "Content-Type", "text/plain;charset=UTF-8", "Origin", WEB_ORIGIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(drover.topic.await(id).headers()).containsEntry("drover.source", "web");
        assertThat(Http.post(drover.url("/beacon/v1/batch?writeKey=wrong"), "{\"batch\":[]}").status()).isEqualTo(401);
    }

    @Test
    void theCookieNeverRevealsAnIdTheRequestDidNotCarry() {
        String user = "victim-" + IngestApiTest.uniqueId();
        String victimsAnonymousId = "anon-" + IngestApiTest.uniqueId();
        String linked = IngestApiTest.uniqueId();
        assertThat(Http.post(drover.url("/v1/identify"), "{\"userId\":\"" + user + "\",\"anonymousId\":\""
                + victimsAnonymousId + "\",\"messageId\":\"" + linked + "\"}", "Authorization", Http.basic(BACKEND_KEY))
                .status()).isEqualTo(200);
        drover.topic.await(linked);
        // A browser request that carries only the victim's userId.
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"" + user + "\",\"event\":\"E\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", WEB_ORIGIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(String.valueOf(r.header("set-cookie"))).doesNotContain(victimsAnonymousId);
    }
}
