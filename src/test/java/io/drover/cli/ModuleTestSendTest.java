package io.drover.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code drover module test ... --send}: the shipped GA4 and Meta modules' first request sent to a stand-in for the
 * vendor's validation endpoint on loopback (reached through the module's base-URL setting), which checks the exact
 * request GA4 and Meta document for validation, and the answer printed; a vendor without one says so and sends
 * nothing.
 */
class ModuleTestSendTest {

    private static final String FIXTURE = "src/test/resources/module-test/fixtures/order-completed.json";
    private static final WireMockServer VENDOR = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());

    private record Run(int status, String out, String err) {
    }

    @BeforeAll
    static void start() {
        VENDOR.start();
    }

    @AfterAll
    static void stop() {
        VENDOR.stop();
    }

    @BeforeEach
    void reset() {
        VENDOR.resetAll();
    }

    /** With the fixture's own day as the time the module reads: GA4's 72 hours and Meta's 7 days hold. */
    private static Run run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--now", "2024-11-28T09:00:00Z"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ModuleTestCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String base() {
        return "http://127.0.0.1:" + VENDOR.port();
    }

    private static Run ga4() {
        return run("test", "integrations/ga4.yaml", "--events", FIXTURE, "--send", "--set", "ga4.base-url=" + base(),
                "--set", "ga4.measurement-id=G-TEST123", "--set", "ga4.api-secret=ga4-secret-value");
    }

    @Test
    void ga4GoesToTheDebugPathOfTheSameHostAndItsValidationMessagesArePrinted() {
        VENDOR.stubFor(post(urlPathEqualTo("/debug/mp/collect"))
                .withQueryParam("measurement_id", equalTo("G-TEST123"))
                .withQueryParam("api_secret", equalTo("ga4-secret-value"))
                .withRequestBody(matchingJsonPath("$.events[0].name", equalTo("purchase")))
                .willReturn(okJson("{\"validationMessages\":[{\"fieldPath\":\"events.params.currency\","
                        + "\"description\":\"Currency must be a 3-letter code\",\"validationCode\":\"VALUE_INVALID\"}]}")));
        Run run = ga4();
        assertThat(VENDOR.findAll(postRequestedFor(anyUrl()))).singleElement()
                .satisfies(r -> assertThat(r.getUrl()).startsWith("/debug/mp/collect?"));
        assertThat(run.out()).contains("# --send: the first request, to GA4's validation endpoint")
                .contains("POST " + base() + "/debug/mp/collect?measurement_id=G-TEST123")
                .contains("HTTP 200")
                .contains("GA4 found 1 problem:")
                .contains("  VALUE_INVALID events.params.currency: Currency must be a 3-letter code")
                .as("the API secret is masked in what is printed").doesNotContain("ga4-secret-value");
        assertThat(run.status()).as("the vendor named a problem").isEqualTo(1);
    }

    @Test
    void ga4WithNothingWrongExitsZero() {
        VENDOR.stubFor(post(urlPathEqualTo("/debug/mp/collect")).willReturn(okJson("{\"validationMessages\":[]}")));
        Run run = ga4();
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("GA4 found nothing wrong");
        assertThat(VENDOR.findAll(postRequestedFor(urlPathEqualTo("/mp/collect")))).as("never the collecting path").isEmpty();
    }

    @Test
    void metaGetsTheTestEventCodeInTheBodyAndItsAnswerIsPrinted() {
        VENDOR.stubFor(post(urlPathEqualTo("/v26.0/1234567890/events"))
                .withQueryParam("access_token", equalTo("meta-token-value"))
                .withRequestBody(matchingJsonPath("$.test_event_code", equalTo("TEST4242")))
                .withRequestBody(matchingJsonPath("$.data[0].event_name", equalTo("Purchase")))
                .willReturn(okJson("{\"events_received\":1,\"messages\":[],\"fbtrace_id\":\"AbC\"}")));
        Run run = run("test", "integrations/meta.yaml", "--events", FIXTURE, "--send", "--test-event-code", "TEST4242",
                "--set", "meta.base-url=" + base(), "--set", "meta.pixel-id=1234567890",
                "--set", "meta.access-token=meta-token-value");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        List<LoggedRequest> sent = VENDOR.findAll(postRequestedFor(anyUrl()));
        assertThat(sent).hasSize(1);
        assertThat(run.out()).contains("# --send: the first request, to Meta's validation endpoint")
                .contains("{\"events_received\":1,\"messages\":[],\"fbtrace_id\":\"AbC\"}")
                .contains("Meta found nothing wrong")
                .doesNotContain("meta-token-value");
    }

    @Test
    void metaWithoutATestEventCodeIsNotSentAndSaysHowToGiveOne() {
        Run run = run("test", "integrations/meta.yaml", "--events", FIXTURE, "--send",
                "--set", "meta.base-url=" + base(), "--set", "meta.pixel-id=1234567890",
                "--set", "meta.access-token=meta-token-value");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Test Events code").contains("--test-event-code <code>")
                .contains("meta.test-event-code");
        assertThat(VENDOR.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aVendorWithoutAValidationEndpointSaysSoSendsNothingAndIsNoError() {
        Run run = run("test", "integrations/webhook.yaml", "--events", FIXTURE, "--send",
                "--set", "webhook.url=" + base() + "/hook", "--set", "webhook.secret=whsec_test_0123456789abcdef");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("this vendor has no validation endpoint (GA4 and Meta have one); nothing sent");
        assertThat(VENDOR.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }
}
