package io.drover.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

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
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modules come and go while Drover runs: a file dropped in starts its integration, an edit replaces it, a broken file
 * or a broken edit is reported and changes nothing that runs, a deleted file stops it. The shipped webhook module
 * keeps delivering throughout.
 */
class ModuleWatcherTest {

    private final TestDrover drover = TestDrover.shared();
    private final Path echo = drover.integrationsDir().resolve("echo.yaml");
    private final Path broken = drover.integrationsDir().resolve("broken.yaml");

    @AfterEach
    void removeFiles() throws IOException {
        Modules.removed(drover, echo);
        Modules.removed(drover, broken);
    }

    @Test
    void aModuleIsAddedChangedAndRemovedLiveWhileTheOthersRunOn() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/echo")).willReturn(ok()));
        drover.vendor.stubFor(post(urlEqualTo("/echo2")).willReturn(ok()));

        // Added: it reads from the moment it was loaded, before its consumer even has its partitions; what came
        // before is not its own.
        String before = send();
        awaitWebhook(before);
        applied(() -> Files.writeString(echo, module("/echo")));
        String first = send();
        awaitDelivered("/echo", first);
        assertThat(deliveredTo("/echo", before)).as("an event acknowledged before the module was loaded").isFalse();

        // Changed: the new endpoint applies.
        applied(() -> Files.writeString(echo, module("/echo2")));
        awaitDelivered("/echo2", send());

        // A broken edit: reported, and the version that ran keeps running.
        applied(() -> Files.writeString(echo, "- templatedRoute:\n    routeTemplateRef: no-such-template\n    routeId: echo\n"));
        assertThat(admin()).contains("echo.yaml").contains("no-such-template");
        awaitDelivered("/echo2", send());

        // Removed: its route is gone, so an event the others take is not sent to it.
        applied(() -> Files.delete(echo));
        assertThat(admin()).doesNotContain("echo.yaml");
        String after = send();
        awaitWebhook(after);
        assertThat(deliveredTo("/echo2", after)).isFalse();
    }

    /** Makes a change to echo.yaml and waits until the watcher has applied it. */
    private void applied(Modules.Change change) throws IOException {
        Modules.applied(drover, echo, change);
    }

    @Test
    void aBrokenFileIsReportedWithItsReasonAndTheOthersAreUnaffected() throws Exception {
        Modules.applied(drover, broken, () -> Files.writeString(broken, "- templatedRoute:\n"
                + "    routeTemplateRef: drover-integration\n    routeId: broken\n"
                + "    parameters:\n      - name: name\n        value: broken\n      - name: endpoint\n"
                + "        value: \"{{broken.url}}\"\n    beans:\n      - name: request\n"
                + "        type: \"#class:io.drover.destinations.WebhookRequest\"\n"));
        assertThat(admin()).contains("missing setting broken.url (environment variable BROKEN_URL)");
        // The shipped webhook still delivers.
        awaitWebhook(send());
        assertThat(drover.server.integrations().modules().keySet().stream().map(p -> p.getFileName().toString()))
                .contains("webhook.yaml").doesNotContain("broken.yaml");
    }

    private String module(String path) {
        return """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: echo
                    parameters:
                      - name: name
                        value: echo
                      - name: endpoint
                        value: "http://127.0.0.1:%d%s"
                      - name: types
                        value: track
                      - name: lingerMs
                        value: "200"
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: echo-secret
                """.formatted(drover.vendor.port(), path);
    }

    private void awaitDelivered(String path, String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> deliveredTo(path, id));
    }

    private boolean deliveredTo(String path, String id) {
        return !drover.vendor.findAll(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(id))).isEmpty();
    }

    private void awaitWebhook(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                !drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).isEmpty());
    }

    private String send() {
        String id = "watch-" + UUID.randomUUID();
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"watch-user\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
        return id;
    }

    private String admin() {
        return Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
    }
}
