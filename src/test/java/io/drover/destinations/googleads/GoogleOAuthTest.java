package io.drover.destinations.googleads;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.GuardedHttp;
import io.drover.integration.TargetGuard;
import io.drover.integration.TestGuards;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Access tokens from a refresh token, against a stand-in of Google's token endpoint. */
class GoogleOAuthTest {

    private final WireMockServer google = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeEach
    void start() {
        google.start();
    }

    @AfterEach
    void stop() {
        google.stop();
    }

    private GoogleOAuth oauth() {
        // The stand-in is on 127.0.0.1: private targets allowed, as the delivery tests' Drover has them.
        return new GoogleOAuth("http://127.0.0.1:" + google.port() + "/token", "client-1", "secret&1", "1//refresh",
                GuardedHttp.allowingPrivate(true));
    }

    @Test
    void aPrivateTokenUrlIsRefusedWhenPrivateTargetsAreNot() {
        google.stubFor(post(urlEqualTo("/token")).willReturn(okJson("{\"access_token\":\"ya29.never\",\"expires_in\":3599}")));
        GoogleOAuth oauth = new GoogleOAuth("http://127.0.0.1:" + google.port() + "/token", "client-1", "secret&1",
                "1//refresh", GuardedHttp.allowingPrivate(false));

        DeliveryException e = catchThrowableOfType(DeliveryException.class, oauth::token);

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("the token URL (google-ads.token-url) http://127.0.0.1:" + google.port()
                + "/token is refused").contains("127.0.0.0/8 loopback").contains(TargetGuard.SETTING);
        assertThat(google.getAllServeEvents()).isEmpty();
    }

    /**
     * A name that does not resolve at the check before the request and resolves to 127.0.0.1 when the request
     * connects (DNS rebinding): the guard's resolver refuses the connection.
     */
    @Test
    void theTokenRequestConnectsThroughTheGuardsResolver() {
        GoogleOAuth oauth = new GoogleOAuth("http://rebind.drover.test:" + google.port() + "/token", "client-1",
                "secret&1", "1//refresh", guardOf(TestGuards.rebindingToLoopback("rebind.drover.test", false)));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, oauth::token);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("the connection to rebind.drover.test is refused");
        assertThat(google.getAllServeEvents()).isEmpty();
    }

    /** The module's bean is started with its route, before the route reads anything: the route does not start. */
    @Test
    void aRouteWhoseGoogleAdsBeanHasAPrivateTokenUrlDoesNotStart() throws Exception {
        GoogleAdsRequest bean = new GoogleAdsRequest();
        bean.setTokenUrl("http://127.0.0.1:" + google.port() + "/token");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind(TargetGuard.BEAN, new TargetGuard(false));
            bean.setCamelContext(context);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:ads").routeId("ads").process(bean);
                }
            });
            assertThatThrownBy(context::start).rootCause()
                    .hasMessageContaining("the token URL (google-ads.token-url) http://127.0.0.1:" + google.port()
                            + "/token is refused");
        }
        assertThat(google.getAllServeEvents()).isEmpty();
    }

    @Test
    void aTokenIsKeptUntilAMinuteBeforeItExpiresThenReplaced() throws Exception {
        google.stubFor(post(urlEqualTo("/token")).inScenario("tokens").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"access_token\":\"ya29.first\",\"expires_in\":61}")).willSetStateTo("second"));
        google.stubFor(post(urlEqualTo("/token")).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"ya29.second\",\"expires_in\":3599}")));
        GoogleOAuth oauth = oauth();

        long asked = System.currentTimeMillis();
        assertThat(oauth.token()).isEqualTo("ya29.first");
        assertThat(oauth.token()).isEqualTo("ya29.first");   // kept: 61 s less the minute's margin is 1 s
        // A test of time itself, on GoogleOAuth's own clock (it takes none): the kept token is what token() answers
        // until it is due, then the new one; when it changed over is measured, not slept for.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> oauth.token().equals("ya29.second"));
        assertThat(System.currentTimeMillis() - asked).as("kept for 61 s less the minute's margin")
                .isGreaterThanOrEqualTo(1_000);
        assertThat(oauth.token()).isEqualTo("ya29.second");

        assertThat(google.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(2)
                .allSatisfy(r -> assertThat(r.getBodyAsString()).isEqualTo(
                        "grant_type=refresh_token&client_id=client-1&client_secret=secret%261&refresh_token=1%2F%2Frefresh"));
    }

    @Test
    void aRevokedRefreshTokenIsNotRetriedAndNamesGooglesErrorWithoutTheSecrets() {
        google.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}")));

        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> oauth().token());

        assertThat(e.retryable()).isFalse();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("invalid_grant").contains("GOOGLE_ADS_REFRESH_TOKEN")
                .doesNotContain("secret&1").doesNotContain("1//refresh");
        assertThat(e.responseBody()).contains("Token has been expired or revoked.");
    }

    @Test
    void anUnavailableOrUnreachableTokenEndpointIsRetried() {
        google.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(503)));
        assertThat(catchThrowableOfType(DeliveryException.class, () -> oauth().token()).retryable()).isTrue();

        GoogleOAuth unreachable = oauth();
        google.stop();
        assertThat(catchThrowableOfType(DeliveryException.class, unreachable::token).retryable()).isTrue();
    }

    @Test
    void aFreshTokenRefusedByTheApiIsACredentialsProblemNotARetry() {
        google.stubFor(post(urlEqualTo("/token")).willReturn(okJson("{\"access_token\":\"ya29.fresh\",\"expires_in\":3599}")));
        GoogleOAuth oauth = oauth();
        String token = oauth.token();

        assertThat(oauth.refused(token)).isFalse();
        assertThat(oauth.refused("ya29.some-other")).isFalse();
        assertThat(oauth.token()).isEqualTo(token);
        assertThat(google.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
    }

    /** The contract's guard around an engine's guard, as a module's Camel context holds it. */
    private static GuardedHttp guardOf(TargetGuard guard) {
        org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        context.getRegistry().bind(TargetGuard.BEAN, guard);
        return GuardedHttp.of(context);
    }
}
