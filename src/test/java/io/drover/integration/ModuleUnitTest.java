package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.BACKEND_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module is the unit the watcher acts on: every setting it misses is named at once; its secrets can arrive, and
 * rotate, in the secrets directory without a restart; a copy that claims its route id is refused while it keeps
 * running; an edit of its playbook file reloads it.
 */
class ModuleUnitTest {

    private final TestDrover drover = TestDrover.shared();
    private final Path acme = drover.integrationsDir().resolve("acme-hook.yaml");
    private final Path copy = drover.integrationsDir().resolve("webhook-copy.yaml");
    private final Path mini = drover.integrationsDir().resolve("unit.yaml");
    private final Path playbook = drover.integrationsDir().resolve("unit.playbook.yaml");

    @AfterEach
    void remove() throws Exception {
        for (Path file : List.of(acme, copy, mini)) {
            Modules.removed(drover, file);
        }
        Files.deleteIfExists(playbook);
        Files.deleteIfExists(drover.secretsDir().resolve("acme.url"));
        Files.deleteIfExists(drover.secretsDir().resolve("ACME_SECRET"));
    }

    private static final String ACME = """
            - templatedRoute:
                routeTemplateRef: drover-integration
                routeId: acme-hook
                parameters:
                  - name: name
                    value: acme-hook
                  - name: endpoint
                    value: "{{acme.url}}"
                  - name: types
                    value: track
                  - name: lingerMs
                    value: "50"
                beans:
                  - name: request
                    type: "#class:io.drover.destinations.WebhookRequest"
                    properties:
                      secret: "{{acme.secret}}"
            """;

    @Test
    void everyMissingSettingIsNamedAtOnce() throws Exception {
        Modules.applied(drover, acme, () -> Files.writeString(acme, ACME));
        assertThat(drover.server.integrations().errors().get(acme))
                .isEqualTo("missing settings acme.url (environment variable ACME_URL), acme.secret (environment variable"
                        + " ACME_SECRET)");
    }

    @Test
    void secretsInTheSecretsDirectorySwitchAModuleOnAndRotateWithoutARestart() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/acme")).willReturn(ok()));
        Modules.applied(drover, acme, () -> Files.writeString(acme, ACME));
        assertThat(drover.server.integrations().errors().get(acme)).startsWith("missing settings");

        String first = "s3cret-first-" + UUID.randomUUID();
        Modules.applied(drover, acme, () -> {
            Files.writeString(drover.secretsDir().resolve("acme.url"), "http://127.0.0.1:" + drover.vendor.port() + "/acme\n");
            // The environment-style name works too.
            Files.writeString(drover.secretsDir().resolve("ACME_SECRET"), first + "\n");
        });
        // (Two files: the watcher may reload once for both or once for each.)
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> drover.server.integrations().errors().get(acme) == null
                && drover.server.integrations().modules().containsKey(acme));
        Modules.caughtUp(drover, "acme-hook");
        LoggedRequest signed = send();
        assertThat(signatureOf(signed)).isEqualTo("sha256=" + hmac(first, signed.getBodyAsString()));

        String second = "s3cret-second-" + UUID.randomUUID();
        Modules.applied(drover, acme, () -> Files.writeString(drover.secretsDir().resolve("ACME_SECRET"), second));
        Modules.assertRunning(drover, acme);
        LoggedRequest rotated = send();
        assertThat(signatureOf(rotated)).isEqualTo("sha256=" + hmac(second, rotated.getBodyAsString()));
        assertThat(TestDrover.LOGS.lines()).as("a secret from the directory in the log")
                .noneMatch(line -> line.contains(first) || line.contains(second));
    }

    @Test
    void aCopyThatClaimsARunningModulesRouteIdIsRefusedAndTheOriginalKeepsRunning() throws Exception {
        Path original = drover.integrationsDir().resolve("webhook.yaml");
        Modules.applied(drover, copy, () -> Files.copy(original, copy));
        assertThat(drover.server.integrations().errors().get(copy))
                .contains("route id 'webhook' is already taken by webhook.yaml");
        Modules.assertRunning(drover, original);
        Modules.removed(drover, copy);
        Modules.assertRunning(drover, original);
        String id = "unit-" + UUID.randomUUID();
        assertThat(track(id).status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                !drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).isEmpty());
    }

    @Test
    void editingAPlaybookReloadsItsModule() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/unit")).willReturn(ok()));
        Files.writeString(playbook, playbook("k-1"));
        Modules.running(drover, mini, () -> Files.writeString(mini, UNIT.formatted(drover.vendor.port())));
        assertThat(headerOfDelivery("X-Api-Key")).isEqualTo("k-1");
        Modules.applied(drover, mini, () -> Files.writeString(playbook, playbook("k-2")));
        Modules.assertRunning(drover, mini);
        Modules.caughtUp(drover, "unit");
        assertThat(headerOfDelivery("X-Api-Key")).isEqualTo("k-2");
    }

    @Test
    void aBrokenPlaybookStopsItsModuleAndABrokenEditKeepsThePreviousVersionRunning() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/unit")).willReturn(ok()));
        Files.writeString(playbook, "global:\n  mappings:\n    - {inputKey: messageId, outputKey: id, transforms: [noSuchTransform]}\n");
        Modules.applied(drover, mini, () -> Files.writeString(mini, UNIT.formatted(drover.vendor.port())));
        assertThat(drover.server.integrations().errors().get(mini)).contains("noSuchTransform");
        assertThat(drover.server.integrations().modules()).doesNotContainKey(mini);

        Modules.applied(drover, mini, () -> Files.writeString(playbook, playbook("k-1")));
        Modules.assertRunning(drover, mini);
        Modules.caughtUp(drover, "unit");
        Modules.applied(drover, mini, () -> Files.writeString(playbook, "global: [not, a, section]\n"));
        assertThat(drover.server.integrations().errors().get(mini)).as("the broken edit is reported").isNotNull();
        assertThat(drover.server.integrations().modules()).as("the previous version runs").containsKey(mini);
        assertThat(headerOfDelivery("X-Api-Key")).isEqualTo("k-1");
    }

    @Test
    void theModulesBatchSizeCutsItsEventsIntoRequests() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/unit")).willReturn(ok()));
        Files.writeString(playbook, playbook("k-1"));
        Modules.running(drover, mini, () -> Files.writeString(mini, UNIT.formatted(drover.vendor.port())
                .replace("value: \"50\"", "value: \"1000\"\n      - name: batchSize\n        value: \"2\"")));
        String run = "slice-" + UUID.randomUUID();
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 5; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"unit\",\"event\":\"Unit\","
                    + "\"messageId\":\"").append(run).append('-').append(i).append("\"}");
        }
        assertThat(Http.post(drover.url("/v1/batch"), batch.append("]}").toString(), "Authorization",
                Http.basic(BACKEND_KEY), "Content-Type", "application/json").status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.IntStream.range(0, 5).allMatch(i ->
                !drover.vendor.findAll(postRequestedFor(urlEqualTo("/unit")).withRequestBody(containing(run + "-" + i))).isEmpty()));
        List<LoggedRequest> requests = drover.vendor.findAll(postRequestedFor(urlEqualTo("/unit")).withRequestBody(containing(run)));
        // Five events, in batches of the module's batchSize (2), one request each: 2, 2 and 1.
        assertThat(requests).extracting(r -> r.getBodyAsString().split(run, -1).length - 1)
                .containsExactlyInAnyOrder(2, 2, 1);
        assertThat(requests).allSatisfy(r -> assertThat(r.getHeader("X-Api-Key")).isEqualTo("k-1"));
    }

    @Test
    void aWrongParameterIsNamedWithFileLineAndFixAndABrokenEditKeepsThePreviousVersionRunning() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/unit")).willReturn(ok()));
        Files.writeString(playbook, playbook("k-1"));
        String wrong = UNIT.formatted(drover.vendor.port()).replace("value: \"50\"", "value: soon");
        Modules.applied(drover, mini, () -> Files.writeString(mini, wrong));
        assertThat(drover.server.integrations().errors().get(mini))
                .isEqualTo("unit.yaml:14: parameter 'lingerMs': expected a whole number, got 'soon', from 0 to 600000");
        assertThat(drover.server.integrations().modules()).doesNotContainKey(mini);
        assertThat(Http.send("GET", drover.adminUrl("/admin/integrations"), null).body())
                .contains("unit.yaml:14: parameter 'lingerMs'");

        Modules.running(drover, mini, () -> Files.writeString(mini, UNIT.formatted(drover.vendor.port())));
        Modules.caughtUp(drover, "unit");
        Modules.applied(drover, mini, () -> Files.writeString(mini, UNIT.formatted(drover.vendor.port())
                .replace("value: track", "value: track\n      - name: startFrom\n        value: oldest")));
        assertThat(drover.server.integrations().errors().get(mini)).contains("parameter 'startFrom': expected one of"
                + " latest, earliest, got 'oldest'");
        assertThat(drover.server.integrations().modules()).as("the previous version runs on").containsKey(mini);
        assertThat(headerOfDelivery("X-Api-Key")).as("the previous version still delivers").isEqualTo("k-1");
    }

    private static final String UNIT = """
                - templatedRoute:
                    routeTemplateRef: drover-playbook
                    routeId: unit
                    parameters:
                      - name: name
                        value: unit
                      - name: endpoint
                        value: "http://127.0.0.1:%d/unit"
                      - name: types
                        value: track
                      - name: playbookFile
                        value: unit.playbook.yaml
                      - name: lingerMs
                        value: "50"
                """;

    private static String playbook(String key) {
        return """
                global:
                  mappings:
                    - {inputKey: messageId, outputKey: id}
                request:
                  headers: {X-Api-Key: "%s"}
                  envelope: {events: "$batch"}
                """.formatted(key);
    }

    private String headerOfDelivery(String header) {
        String id = "unit-" + UUID.randomUUID();
        assertThat(track(id).status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                !drover.vendor.findAll(postRequestedFor(urlEqualTo("/unit")).withRequestBody(containing(id))).isEmpty());
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/unit")).withRequestBody(containing(id))).get(0)
                .getHeader(header);
    }

    private LoggedRequest send() {
        String id = "acme-" + UUID.randomUUID();
        assertThat(track(id).status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                !drover.vendor.findAll(postRequestedFor(urlEqualTo("/acme")).withRequestBody(containing(id))).isEmpty());
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/acme")).withRequestBody(containing(id))).get(0);
    }

    private static String signatureOf(LoggedRequest r) {
        return r.getHeader("X-Drover-Signature");
    }

    private Http.Response track(String id) {
        return Http.post(drover.url("/v1/track"), "{\"userId\":\"unit\",\"event\":\"Unit\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(BACKEND_KEY), "Content-Type", "application/json");
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
