package io.drover.console;

import java.util.concurrent.TimeUnit;

import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin port's defaults: loopback unless configured, and never bound elsewhere without a token (checked on the
 * host names as literals, without binding or looking anything up); a state-changing call a page of another site
 * could make (a form post needs no pre-flight) is refused; the metrics need the token when the operator asks.
 */
class AdminSurfaceTest {

    private final TestDrover drover = TestDrover.shared();

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
    void loopbackNeedsNoToken(String host) {
        AdminBinding.check(host, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "10.0.0.5", "admin.internal", "128.0.0.1"})
    void anyOtherBindingNeedsAToken(String host) {
        assertThatThrownBy(() -> AdminBinding.check(host, null)).hasMessageContaining("drover.admin.token")
                .hasMessageContaining(host);
        assertThatThrownBy(() -> AdminBinding.check(host, " ")).isInstanceOf(IllegalStateException.class);
        AdminBinding.check(host, "a-token");
    }

    @Test
    void theDefaultIsLoopback() {
        assertThat(drover.server.context().getPropertiesComponent().parseUri("{{drover.admin.host}}"))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void aReplayFromAPageOfAnotherSiteIsRefused() {
        String replay = drover.adminUrl("/admin/integrations/webhook/replay?since=2999-01-01T00:00:00Z");
        Http.Response form = Http.send("POST", replay, null, "Origin", "https://evil.example");
        assertThat(form.status()).isEqualTo(403);
        assertThat(form.json().get("code").asText()).isEqualTo("cross_site");
        Http.Response fetchSite = Http.send("POST", replay, null, "Sec-Fetch-Site", "cross-site");
        assertThat(fetchSite.status()).isEqualTo(403);
        // A script or the CLI sends no Origin: it is answered.
        Http.Response script = Http.send("POST", replay, null);
        assertThat(script.status()).as(script.body()).isEqualTo(200);
        assertThat(script.json().get("replayed").asInt()).isZero();
    }

    @Test
    void theMetricsNeedTheTokenWhenAsked() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            router.get("/observe/metrics").handler(ctx -> ctx.response().end("# metrics"));
            router.get("/observe/health/ready").handler(ctx -> ctx.response().end("UP"));
            new AdminApi(drover.server.integrations(), "admin-s3cret", drover.server.bootstrapServers(), true).mount(router);
            int port = FreePorts.next();
            vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + port;
            assertThat(Http.send("GET", base + "/observe/metrics", null).status()).isEqualTo(401);
            assertThat(Http.send("GET", base + "/observe/metrics", null, "Authorization", "Bearer admin-s3cret").body())
                    .isEqualTo("# metrics");
            assertThat(Http.send("GET", base + "/observe/health/ready", null).status()).isEqualTo(200);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void noMetricLabelHoldsAUrl() {
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        assertThat(metrics.lines().filter(l -> !l.startsWith("#")).filter(l -> l.contains("://")).toList())
                .as("metric lines with a URL in a label").isEmpty();
    }
}
