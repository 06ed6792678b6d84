package io.drover.ingest;

import java.nio.file.Files;
import java.util.List;
import java.util.Properties;

import io.drover.config.Settings;
import io.drover.config.Source;
import io.drover.config.Sources;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.BACKEND_KEY;
import static io.drover.testing.TestDrover.WEB_KEY;
import static io.drover.testing.TestDrover.WEB_ORIGIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The anonymous-id cookie Drover sets on its answers to browsers: only for origins the source allows, never for
 * server-side callers, with the attributes that let it outlive script-set cookies.
 */
class AnonymousIdCookieTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void aBrowserOfAnAllowedOriginGetsTheLastAnonymousIdOfItsRequest() {
        String body = "{\"writeKey\":\"" + WEB_KEY + "\",\"batch\":["
                + "{\"type\":\"track\",\"event\":\"E\",\"anonymousId\":\"before-reset\"},"
                + "{\"type\":\"page\",\"anonymousId\":\"a1b2-c3\"}]}";
        Http.Response r = Http.post(drover.url("/v1/batch"), body, "Origin", WEB_ORIGIN, "Content-Type", "text/plain");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("set-cookie"))
                .isEqualTo("ajs_anonymous_id=a1b2-c3; Max-Age=34560000; Path=/; Secure; SameSite=Lax");
        assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(r.header("access-control-allow-origin")).isEqualTo(WEB_ORIGIN);
    }

    @Test
    void theIdIsPercentEncodedAsAnalyticsJsWritesIt() {
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"event\":\"E\",\"anonymousId\":\"a b;c\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", WEB_ORIGIN);
        assertThat(r.header("set-cookie")).startsWith("ajs_anonymous_id=a%20b%3Bc;");
    }

    @Test
    void serverSideCallsAndFailedRequestsGetNoCookie() {
        String event = "{\"event\":\"E\",\"anonymousId\":\"a1\"}";
        Http.Response backend = Http.post(drover.url("/v1/track"), event, "Authorization", Http.basic(BACKEND_KEY));
        Http.Response noOrigin = Http.post(drover.url("/v1/track"), event, "Authorization", Http.basic(WEB_KEY));
        Http.Response otherOrigin = Http.post(drover.url("/v1/track"), event, "Authorization", Http.basic(WEB_KEY),
                "Origin", "https://evil.example");
        Http.Response invalid = Http.post(drover.url("/v1/track"), "{\"anonymousId\":\"a1\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", WEB_ORIGIN);
        Http.Response userOnly = Http.post(drover.url("/v1/track"), "{\"event\":\"E\",\"userId\":\"u1\"}",
                "Authorization", Http.basic(WEB_KEY), "Origin", WEB_ORIGIN);
        assertThat(List.of(backend.status(), noOrigin.status(), otherOrigin.status(), invalid.status(), userOnly.status()))
                .containsExactly(200, 200, 403, 400, 200);
        for (Http.Response r : List.of(backend, noOrigin, otherOrigin, invalid, userOnly)) {
            assertThat(r.header("set-cookie")).isNull();
        }
    }

    @Test
    void theCookieDomainIsTheSources() throws Exception {
        Source site = new Source("site", "k", List.of("https://www.shop.example"), "shop.example", false);
        assertThat(AnonymousIdCookie.header(site, "https://www.shop.example", "id-1"))
                .isEqualTo("ajs_anonymous_id=id-1; Max-Age=34560000; Path=/; Domain=shop.example; Secure; SameSite=Lax");
        assertThat(AnonymousIdCookie.header(site, "https://other.example", "id-1")).isNull();
        assertThat(AnonymousIdCookie.header(new Source("api", "k", List.of()), "https://www.shop.example", "id-1"))
                .isNull();
    }

    @Test
    void sourcesReadTheCookieDomainSetting() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.setProperty("drover.sources.site.write-key", "k1");
            p.setProperty("drover.sources.site.allowed-origins", "https://www.shop.example");
            p.setProperty("drover.sources.site.cookie-domain", "shop.example");
            p.setProperty("drover.sources.api.write-key", "k2");
            context.getPropertiesComponent().setInitialProperties(p);
            Sources sources = Sources.load(context, new Settings(context), Files.createTempDirectory("sources-"));
            assertThat(sources.byWriteKey("k1").cookieDomain()).isEqualTo("shop.example");
            assertThat(sources.byWriteKey("k2").cookieDomain()).isNull();
        }
    }
}
