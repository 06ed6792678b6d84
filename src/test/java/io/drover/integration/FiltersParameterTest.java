package io.drover.integration;

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

/** A module's allow/deny conditions on any field (the {@code filters} parameter), live, and a broken one reported. */
class FiltersParameterTest {

    private final TestDrover drover = TestDrover.shared();
    private final Path module = drover.integrationsDir().resolve("paid.yaml");

    @AfterEach
    void remove() throws Exception {
        Modules.removed(drover, module);
    }

    @Test
    void onlyEventsThatPassTheModulesFiltersReachTheVendor() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/paid")).willReturn(ok()));
        Modules.running(drover, module, () -> Files.writeString(module, module("""
                          - name: no test orders
                            deny: {path: properties.test, equals: true}
                          - allow:
                              - {path: properties.revenue, gt: 0}
                              - {path: properties.currency, in: [USD, EUR]}
                """)));
        String paid = send("{\"revenue\": 20, \"currency\": \"EUR\"}");
        String test = send("{\"revenue\": 20, \"currency\": \"EUR\", \"test\": true}");
        String free = send("{\"revenue\": 0, \"currency\": \"EUR\"}");
        String yen = send("{\"revenue\": 20, \"currency\": \"JPY\"}");
        String last = send("{\"revenue\": 5, \"currency\": \"USD\"}");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> delivered(paid) && delivered(last));
        assertThat(delivered(test)).isFalse();
        assertThat(delivered(free)).isFalse();
        assertThat(delivered(yen)).isFalse();
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        assertThat(metrics).contains("drover_integration_filtered_total{integration=\"paid\",reason=\"filter\"");
    }

    @Test
    void aBrokenFilterStopsOnlyThatModuleAndSaysWhere() throws Exception {
        Modules.applied(drover, module, () -> Files.writeString(module, module("""
                          - deny: {path: properties.test, equalz: true}
                """)));
        assertThat(drover.server.integrations().errors().get(module)).contains("equalz");
        String admin = Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
        assertThat(admin).contains("paid.yaml").contains("filters[0]");
        assertThat(drover.server.context().getRoute("paid")).isNull();
    }

    private String module(String filters) {
        return """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: paid
                    parameters:
                      - name: name
                        value: paid
                      - name: endpoint
                        value: "http://127.0.0.1:%d/paid"
                      - name: types
                        value: track
                      - name: batchSize
                        value: "1"
                      - name: lingerMs
                        value: "100"
                      - name: filters
                        value: |
                %s    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: paid-secret
                """.formatted(drover.vendor.port(), filters);
    }

    private boolean delivered(String id) {
        return !drover.vendor.findAll(postRequestedFor(urlEqualTo("/paid")).withRequestBody(containing(id))).isEmpty();
    }

    private String send(String properties) {
        String id = "paid-" + UUID.randomUUID();
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"paid-user\",\"event\":\"Order Completed\",\"messageId\":\""
                + id + "\",\"properties\":" + properties + "}", "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
        return id;
    }
}
