package io.drover.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.drover.DroverServer;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import org.awaitility.Awaitility;

/**
 * A Drover of its own for the console's tests, with an admin token (the shared test Drover has none), the shipped
 * webhook module pointed at a WireMock stand-in on loopback: {@code /hook} answers 200, and 400 for a body holding
 * {@value #REJECT} (a vendor refusing an event). The shipped GA4 and Meta modules (and GA4 with its debug setting on)
 * have their base URL at the same stand-in, for the playground's validation sending; they need consent, which only
 * the validation tests' events carry. One per test run.
 */
final class ConsoleDrover {

    static final String TOKEN = "console-test-token-0123456789";
    static final String KEY = "wk_console_0123456789";
    static final String REJECT = "reject-me";
    static final String GA4_ID = "G-CONSOLE1";
    static final String GA4_SECRET = "ga4_secret_console_0123";
    static final String META_PIXEL = "1234567890";
    static final String META_TOKEN = "EAAconsoletoken0123456789";

    final DroverServer server;
    final WireMockServer vendor;
    final int adminPort;

    private static ConsoleDrover shared;

    private ConsoleDrover(DroverServer server, WireMockServer vendor, int adminPort) {
        this.server = server;
        this.vendor = vendor;
        this.adminPort = adminPort;
    }

    static synchronized ConsoleDrover shared() throws Exception {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.server.stop();
                shared.vendor.stop();
            }));
        }
        return shared;
    }

    private static ConsoleDrover start() throws Exception {
        WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook")).atPriority(10).willReturn(WireMock.okJson("{\"ok\":true}")));
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/hook")).withRequestBody(WireMock.containing(REJECT))
                .atPriority(1).willReturn(WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid event\"}")));
        Path dir = Files.createTempDirectory("drover-console-");
        Path integrations = Files.createDirectories(dir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        // GA4 and Meta for the playground's validation sending; they need consent, so the other tests' events (none
        // given, drover.consent.required) are left out by them and never sent. ga4-debug is the shipped GA4 module
        // with ga4.debug on (its requests already go to /debug/mp/collect).
        Files.copy(Path.of("integrations/ga4.yaml"), integrations.resolve("ga4.yaml"));
        Files.copy(Path.of("integrations/meta.yaml"), integrations.resolve("meta.yaml"));
        Files.writeString(integrations.resolve("ga4-debug.yaml"), Files.readString(Path.of("integrations/ga4.yaml"))
                .replace("routeId: ga4", "routeId: ga4-debug").replace("value: ga4\n", "value: ga4-debug\n")
                .replace("\"Google Analytics 4,Google Analytics 4 Cloud,GA4\"", "\"GA4 debug\"")
                .replace("\"{{ga4.debug:false}}\"", "\"true\""));
        int admin = FreePorts.next();
        DroverServer server = new DroverServer(Map.ofEntries(
                Map.entry("drover.http.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.http.host", "127.0.0.1"),
                Map.entry("drover.admin.port", String.valueOf(admin)),
                Map.entry("drover.admin.token", TOKEN),
                Map.entry("drover.kafka.embedded.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.partitions", "1"),
                Map.entry("drover.data-dir", dir.toString()),
                Map.entry("drover.integrations-dir", integrations.toString()),
                Map.entry("drover.sources.shop.write-key", KEY),
                Map.entry("drover.delivery.allow-private-targets", "true"),
                Map.entry("webhook.url", "http://127.0.0.1:" + vendor.port() + "/hook"),
                Map.entry("webhook.secret", "whsec_console_0123456789"),
                Map.entry("drover.consent.required", "true"),
                Map.entry("ga4.measurement-id", GA4_ID),
                Map.entry("ga4.api-secret", GA4_SECRET),
                Map.entry("ga4.base-url", "http://127.0.0.1:" + vendor.port()),
                Map.entry("meta.pixel-id", META_PIXEL),
                Map.entry("meta.access-token", META_TOKEN),
                Map.entry("meta.base-url", "http://127.0.0.1:" + vendor.port()),
                Map.entry("camel.component.http.response-timeout", "3000"))).start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> server.readiness().ready());
        return new ConsoleDrover(server, vendor, admin);
    }

    /** An Order Completed the GA4 and Meta modules select (it carries their consent), stamped now. */
    static String consentedOrder(String id) {
        String now = java.time.Instant.now().toString();
        return "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"val-user\",\"anonymousId\":\"anon-val-1\","
                + "\"messageId\":\"" + id + "\",\"timestamp\":\"" + now + "\",\"receivedAt\":\"" + now + "\","
                + "\"properties\":{\"order_id\":\"o-" + id + "\",\"total\":12.5,\"currency\":\"EUR\"},"
                + "\"context\":{\"consent\":{\"categoryPreferences\":{\"analytics\":true,\"advertising\":true}}}}";
    }

    /** GA4's validation server's answer for a request it finds fault with (its documented shape). */
    static final String GA4_VALIDATION = "{\"validationMessages\":[{\"fieldPath\":\"events.params.items\","
            + "\"description\":\"Items should not be empty for a purchase event.\",\"validationCode\":\"VALUE_REQUIRED\"}]}";
    static final String META_ANSWER = "{\"events_received\":1,\"messages\":[],\"fbtrace_id\":\"AbCdEf123\"}";

    /** The stand-in's validation endpoints, answering only the exact requests the vendors document. */
    void stubValidation(String id) {
        vendor.stubFor(WireMock.post(WireMock.urlPathEqualTo("/debug/mp/collect"))
                .withQueryParam("measurement_id", WireMock.equalTo(ConsoleDrover.GA4_ID))
                .withQueryParam("api_secret", WireMock.equalTo(ConsoleDrover.GA4_SECRET))
                .withHeader("Content-Type", WireMock.containing("application/json"))
                .withRequestBody(WireMock.matchingJsonPath("$.client_id", WireMock.equalTo("anon-val-1")))
                .withRequestBody(WireMock.matchingJsonPath("$.user_id", WireMock.equalTo("val-user")))
                .withRequestBody(WireMock.matchingJsonPath("$.events[0].name", WireMock.equalTo("purchase")))
                .withRequestBody(WireMock.matchingJsonPath("$.events[0].params.transaction_id", WireMock.equalTo("o-" + id)))
                .withRequestBody(WireMock.matchingJsonPath("$.events[0].params.currency", WireMock.equalTo("EUR")))
                .willReturn(WireMock.okJson(GA4_VALIDATION)));
        vendor.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v26.0/" + ConsoleDrover.META_PIXEL + "/events"))
                .withQueryParam("access_token", WireMock.equalTo(ConsoleDrover.META_TOKEN))
                .withHeader("Content-Type", WireMock.containing("application/json"))
                .withRequestBody(WireMock.matchingJsonPath("$.test_event_code", WireMock.equalTo("TEST4242")))
                .withRequestBody(WireMock.matchingJsonPath("$.data[0].event_name", WireMock.equalTo("Purchase")))
                .withRequestBody(WireMock.matchingJsonPath("$.data[0].event_id", WireMock.equalTo(id)))
                .withRequestBody(WireMock.matchingJsonPath("$.data[0].custom_data.currency", WireMock.equalTo("EUR")))
                .willReturn(WireMock.okJson(META_ANSWER)));
    }

    String admin(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    /** Sends one track event through the ingestion API. */
    void track(String json) {
        Http.Response r = Http.post("http://127.0.0.1:" + server.httpPort() + "/v1/track", json,
                "Authorization", Http.basic(KEY), "Content-Type", "application/json");
        if (r.status() != 200) {
            throw new IllegalStateException("ingestion answered " + r.status() + ": " + r.body());
        }
    }

    /** The event's journey once an integration's reached {@code state}. */
    JsonNode awaitState(String messageId, String state) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JsonNode j : get("/admin/journeys?messageId=" + messageId).json().get("journeys")) {
                if (j.get("state").asText().equals(state)) {
                    return j;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    Http.Response get(String path) {
        return Http.send("GET", admin(path), null, "Authorization", "Bearer " + TOKEN);
    }
}
