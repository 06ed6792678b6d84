package io.drover.console;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.drover.testing.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API the console reads, against a real Drover (token set) whose webhook module posts to a WireMock
 * stand-in: each event's journey (decision, request, answer, attempts, end), the lists and the funnel, modules,
 * the playground and replay jobs; 401 without the token and 400 with a JSON body on a bad parameter.
 */
@Timeout(120)
class ConsoleApiTest {

    private static ConsoleDrover drover;

    @BeforeAll
    static void start() throws Exception {
        drover = ConsoleDrover.shared();
    }

    private static String event(String id, String user, String extra) {
        return "{\"userId\":\"" + user + "\",\"messageId\":\"" + id + "\",\"event\":\"Order Completed\","
                + "\"properties\":{\"email\":\"jane.doe@example.com\"}" + extra + "}";
    }

    private static JsonNode journeyOf(String id, String state) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Http.Response r = drover.get("/admin/events/" + id);
                    if (r.status() != 200) {
                        return null;
                    }
                    JsonNode list = r.json().at("/journey/integrations");
                    for (JsonNode j : list) {
                        if (j.path("integration").asText().equals("webhook") && j.path("state").asText().equals(state)) {
                            return r.json();
                        }
                    }
                    return null;
                }, java.util.Objects::nonNull);
    }

    /** The webhook's part of an event's journey (the GA4 and Meta modules leave these events out: no consent). */
    private static JsonNode webhook(JsonNode body) {
        for (JsonNode j : body.at("/journey/integrations")) {
            if (j.path("integration").asText().equals("webhook")) {
                return j;
            }
        }
        throw new AssertionError("no webhook journey in " + body);
    }

    @Test
    void aDeliveredEventsJourneyHasTheRequestAndTheVendorsAnswerWithSecretsMasked() {
        String id = "ok-" + UUID.randomUUID();
        drover.track(event(id, "u-ok", ""));
        JsonNode body = journeyOf(id, "delivered");
        assertThat(body.at("/journey/received/source").asText()).isEqualTo("shop");
        assertThat(body.at("/journey/ingestion/receivedAt").asText()).isNotEmpty();
        JsonNode j = webhook(body);
        assertThat(j.at("/decision/selected").asBoolean()).isTrue();
        JsonNode request = j.at("/attempts/0/requests/0");
        assertThat(request.get("method").asText()).isEqualTo("POST");
        assertThat(request.get("url").asText()).endsWith("/hook");
        assertThat(request.get("body").asText()).contains(id);
        // The webhook's HMAC signature is a credential: masked whole.
        assertThat(request.at("/headers/X-Drover-Signature").asText()).isEqualTo("xxxxxx");
        assertThat(request.at("/response/status").asInt()).isEqualTo(200);
        assertThat(request.at("/response/body").asText()).isEqualTo("{\"ok\":true}");
        // Latency: from Drover's receivedAt to the vendor's answer to the call that carried the event.
        assertThat(j.get("latencyMs").asLong()).isEqualTo(
                java.time.Instant.parse(request.at("/response/at").asText()).toEpochMilli()
                        - java.time.Instant.parse(body.at("/journey/ingestion/receivedAt").asText()).toEpochMilli());
        // The journeys are this instance's, and the answer says which one it is (this JVM: the Drover is in-process).
        assertThat(body.at("/journey/instance/pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        // Scripts see it as stored; the console (its header) sees the email masked.
        assertThat(request.get("body").asText()).contains("jane.doe@example.com");
        Http.Response console = Http.send("GET", drover.admin("/admin/events/" + id), null,
                "Authorization", "Bearer " + ConsoleDrover.TOKEN, "X-Drover-Console", "1");
        assertThat(console.body()).doesNotContain("jane.doe@example.com").contains("j***@example.com");
    }

    @Test
    void aFilteredEventSaysWhy() {
        String id = "left-" + UUID.randomUUID();
        drover.track(event(id, "u-left", ",\"integrations\":{\"All\":false}"));
        JsonNode j = webhook(journeyOf(id, "left-out"));
        assertThat(j.at("/decision/selected").asBoolean()).isFalse();
        assertThat(j.at("/decision/reason").asText()).isEqualTo("integrations_object");
        assertThat(j.at("/decision/detail").asText()).isNotEmpty();
        assertThat(j.get("attempts")).isEmpty();
    }

    @Test
    void aRefusedEventIsDeadLetteredWithTheAnswerAndAReplayJobSendsItBack() {
        String id = ConsoleDrover.REJECT + "-" + UUID.randomUUID();
        drover.track(event(id, "u-dead", ""));
        JsonNode j = webhook(journeyOf(id, "dead-lettered"));
        assertThat(j.at("/attempts/0/requests/0/response/status").asInt()).isEqualTo(400);
        assertThat(j.at("/attempts/0/requests/0/response/body").asText()).contains("invalid event");
        assertThat(j.get("reason").asText()).contains("400");

        Http.Response list = drover.get("/admin/journeys?state=dead-lettered&userId=u-dead");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("journeys").findValuesAsText("messageId")).contains(id);

        // The letter, then a replay job of that one letter (a selection), with its progress.
        JsonNode letter = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode l : drover.get("/admin/integrations/webhook/dead-letters?limit=500").json().get("deadLetters")) {
                if (l.at("/event/messageId").asText().equals(id)) {
                    return l;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
        String selection = "{\"letters\":[{\"partition\":" + letter.get("partition").asInt() + ",\"offset\":"
                + letter.get("offset").asLong() + "}]}";
        Http.Response job = Http.post(drover.admin("/admin/integrations/webhook/replay-jobs"), selection,
                "Authorization", "Bearer " + ConsoleDrover.TOKEN, "Content-Type", "application/json");
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        String jobId = job.json().get("job").asText();
        JsonNode done = Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> drover.get("/admin/replay-jobs/" + jobId).json(), n -> n.get("state").asText().equals("done"));
        assertThat(done.get("replayed").asInt()).isEqualTo(1);

        Http.Response bad = Http.post(drover.admin("/admin/integrations/webhook/replay-jobs"), "{\"letters\":[{\"partition\":\"x\"}]}",
                "Authorization", "Bearer " + ConsoleDrover.TOKEN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("letters");
    }

    @Test
    void theOverviewHasAFunnelPerIntegrationAndIngestion() {
        String id = "fun-" + UUID.randomUUID();
        drover.track(event(id, "u-fun", ""));
        journeyOf(id, "delivered");
        Http.Response r = drover.get("/admin/overview?window=15m");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode webhook = null;
        for (JsonNode i : r.json().get("integrations")) {
            if (i.get("name").asText().equals("webhook")) {
                webhook = i;
            }
        }
        assertThat(webhook).isNotNull();
        assertThat(webhook.get("state").asText()).isEqualTo("running");
        assertThat(webhook.at("/funnel/received").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(webhook.at("/funnel/delivered").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(webhook.at("/funnel/leftOut").has("consent")).isTrue();
        assertThat(webhook.at("/funnel/series")).hasSize(15);
        assertThat(r.json().at("/ingestion/eventsByOutcome/stored").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(webhook.at("/funnel/latencyMs/samples").asLong()).isGreaterThanOrEqualTo(1);
        // Counted by this instance since it started, and the answer names it.
        assertThat(r.json().at("/instance/name").asText()).isNotEmpty();
        assertThat(r.json().at("/instance/pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(java.time.Instant.parse(r.json().at("/recording/since").asText())).isBeforeOrEqualTo(java.time.Instant.now());
        assertThat(drover.get("/admin/journeys?limit=1").json().at("/instance/name").asText())
                .isEqualTo(r.json().at("/instance/name").asText());

        Http.Response bad = drover.get("/admin/overview?window=soon");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("window");
        assertThat(drover.get("/admin/overview?window=7d").status()).isEqualTo(400);
    }

    @Test
    void modulesShowTheirParametersWithSecretsMasked() {
        Http.Response r = drover.get("/admin/modules");
        assertThat(r.status()).isEqualTo(200);
        JsonNode webhook = null;
        for (JsonNode m : r.json().get("modules")) {
            if (m.get("file").asText().equals("webhook.yaml")) {
                webhook = m;
            }
        }
        assertThat(webhook).isNotNull();
        assertThat(webhook.get("status").asText()).isEqualTo("running");
        assertThat(r.body()).doesNotContain("whsec_console_0123456789").contains("request.secret");
    }

    @Test
    void thePlaygroundShowsTheRequestWithoutSending() {
        int before = drover.vendor.getAllServeEvents().size();
        String body = "{\"module\":\"webhook\",\"event\":{\"type\":\"track\",\"event\":\"Tried\",\"userId\":\"p1\","
                + "\"messageId\":\"play-1\",\"receivedAt\":\"2026-01-01T00:00:00.000Z\"}}";
        Http.Response r = Http.post(drover.admin("/admin/playground"), body, "Authorization", "Bearer " + ConsoleDrover.TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/decision/selected").asBoolean()).isTrue();
        assertThat(r.json().at("/requests/0/body").asText()).contains("play-1");
        assertThat(r.json().get("sent").asBoolean()).isFalse();
        assertThat(drover.vendor.getAllServeEvents()).hasSize(before);

        Http.Response left = Http.post(drover.admin("/admin/playground"), body.replace("\"userId\"",
                "\"integrations\":{\"All\":false},\"userId\""), "Authorization", "Bearer " + ConsoleDrover.TOKEN);
        assertThat(left.json().at("/decision/reason").asText()).isEqualTo("integrations_object");
        assertThat(left.json().get("requests")).isEmpty();

        Http.Response bad = Http.post(drover.admin("/admin/playground"), "{\"module\":\"webhook\"}",
                "Authorization", "Bearer " + ConsoleDrover.TOKEN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("event");
        assertThat(Http.post(drover.admin("/admin/playground"), "{\"module\":\"nope\",\"event\":{}}",
                "Authorization", "Bearer " + ConsoleDrover.TOKEN).status()).isEqualTo(404);
        Http.Response noValidation = Http.post(drover.admin("/admin/playground/validate"), body,
                "Authorization", "Bearer " + ConsoleDrover.TOKEN);
        assertThat(noValidation.status()).isEqualTo(400);
    }

    private static Http.Response validate(String module, String event, String code) {
        return Http.post(drover.admin("/admin/playground/validate"), "{\"module\":\"" + module + "\",\"event\":" + event
                + (code == null ? "" : ",\"testEventCode\":\"" + code + "\"") + "}",
                "Authorization", "Bearer " + ConsoleDrover.TOKEN, "Content-Type", "application/json");
    }

    @Test
    void theValidationSendingReachesGa4sDebugEndpointAndMetaWithTheTestCodeAndShowsTheAnswer() {
        String id = "val-" + UUID.randomUUID();
        drover.stubValidation(id);
        String event = ConsoleDrover.consentedOrder(id);

        Http.Response ga4 = validate("ga4", event, null);
        assertThat(ga4.status()).as(ga4.body()).isEqualTo(200);
        assertThat(ga4.json().get("sent").asBoolean()).isTrue();
        assertThat(ga4.json().at("/validation/0/status").asInt()).isEqualTo(200);
        assertThat(ga4.json().at("/validation/0/body").asText()).isEqualTo(ConsoleDrover.GA4_VALIDATION);
        assertThat(ga4.json().at("/validation/0/url").asText()).contains("/debug/mp/collect?measurement_id=G-CONSOLE1");
        assertThat(ga4.body()).doesNotContain(ConsoleDrover.GA4_SECRET);
        // Validation only: nothing reached GA4's collection endpoint.
        drover.vendor.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/debug/mp/collect"))
                .withRequestBody(WireMock.containing("o-" + id)));
        drover.vendor.verify(0, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/mp/collect")));

        // With ga4.debug on, the module's requests go to /debug/mp/collect already: sent there, not to /debug/debug/.
        Http.Response debug = validate("ga4-debug", event, null);
        assertThat(debug.status()).as(debug.body()).isEqualTo(200);
        assertThat(debug.json().at("/validation/0/status").asInt()).as(debug.body()).isEqualTo(200);
        assertThat(debug.json().at("/validation/0/url").asText()).doesNotContain("/debug/debug/");

        Http.Response meta = validate("meta", event, "TEST4242");
        assertThat(meta.status()).as(meta.body()).isEqualTo(200);
        assertThat(meta.json().at("/validation/0/status").asInt()).isEqualTo(200);
        assertThat(meta.json().at("/validation/0/body").asText()).isEqualTo(ConsoleDrover.META_ANSWER);
        assertThat(meta.body()).doesNotContain(ConsoleDrover.META_TOKEN);
        drover.vendor.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v26.0/" + ConsoleDrover.META_PIXEL + "/events"))
                .withRequestBody(WireMock.containing(id)));

        // Meta without its Test Events code: a 400 naming it, nothing sent.
        Http.Response noCode = validate("meta", event, null);
        assertThat(noCode.status()).isEqualTo(400);
        assertThat(noCode.json().get("parameter").asText()).isEqualTo("testEventCode");
        drover.vendor.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v26.0/" + ConsoleDrover.META_PIXEL + "/events"))
                .withRequestBody(WireMock.containing(id)));
    }

    @Test
    void everyNewEndpointNeedsTheTokenAndTheConsoleSessionNeedsItsHeaderToChangeAnything() {
        for (String path : new String[] {"/admin/journeys", "/admin/overview", "/admin/modules", "/admin/replay-jobs/x",
            "/admin/events/x"}) {
            Http.Response r = Http.send("GET", drover.admin(path), null);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.json().get("code").asText()).isEqualTo("unauthorized");
            assertThat(Http.send("GET", drover.admin(path), null, "Authorization", "Bearer wrong").status()).isEqualTo(401);
        }
        assertThat(Http.post(drover.admin("/admin/playground"), "{}").status()).isEqualTo(401);

        Http.Response wrong = Http.post(drover.admin("/console/login"), "{\"token\":\"wrong\"}");
        assertThat(wrong.status()).isEqualTo(401);
        Http.Response login = Http.post(drover.admin("/console/login"), "{\"token\":\"" + ConsoleDrover.TOKEN + "\"}");
        assertThat(login.status()).isEqualTo(200);
        String cookie = login.header("set-cookie");
        assertThat(cookie.toLowerCase()).contains("httponly").contains("secure").contains("samesite=strict"); assertThat(cookie).doesNotContain(ConsoleDrover.TOKEN);
        String session = cookie.substring(0, cookie.indexOf(';'));
        assertThat(Http.send("GET", drover.admin("/admin/journeys"), null, "Cookie", session).status()).isEqualTo(200);
        // A state change with the cookie alone (what a form of another site would send) is refused.
        Http.Response forged = Http.post(drover.admin("/admin/integrations/webhook/replay-jobs"), "", "Cookie", session);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().get("code").asText()).isEqualTo("csrf");
        Http.Response page = Http.send("GET", drover.admin("/console"), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-security-policy")).contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.body()).doesNotContain("<script>").contains("app.js");
    }
}
