package io.drover.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar itself, as the README runs it ({@code java -jar target/drover.jar}): its own class path, not the
 * tests'. An event goes in, is stored, and reaches the shipped webhook module's receiver; then SIGTERM stops it.
 * (The tests' class path once hid a Camel module missing from the jar.)
 */
class JarSmokeIT {

    @Test
    void theJarRunsIngestionAndTheWebhookModule() throws Exception {
        WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(ok()));
        Path dir = Files.createTempDirectory("drover-jar-");
        int http = FreePorts.next();
        int admin = FreePorts.next();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", Path.of("target/drover.jar").toAbsolutePath().toString())
                .directory(Path.of(".").toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("drover.log").toFile());
        builder.environment().putAll(java.util.Map.of(
                "DROVER_HTTP_PORT", String.valueOf(http), "DROVER_ADMIN_PORT", String.valueOf(admin),
                "DROVER_DATA_DIR", dir.toString(),
                "DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(FreePorts.next()),
                "DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(FreePorts.next()),
                "DROVER_SOURCES_SMOKE_WRITE_KEY", "wk_smoke_0123456789",
                "DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS", "true",
                "WEBHOOK_URL", "http://127.0.0.1:" + vendor.port() + "/hook", "WEBHOOK_SECRET", "smoke-secret"));
        builder.environment().put("DROVER_HTTP_HOST", "127.0.0.1");   // tests listen on loopback only
        Process drover = builder.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(drover.isAlive()).as("Drover exited; see " + dir.resolve("drover.log")).isTrue();
                try {
                    return Http.send("GET", "http://127.0.0.1:" + admin + "/observe/health/ready", null).status() == 200;
                } catch (AssertionError notYet) {
                    return false;
                }
            });
            // Ready: the shipped webhook module reads every event acknowledged from now on.
            String id = "smoke-" + UUID.randomUUID();
            assertThat(Http.post("http://127.0.0.1:" + http + "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"messageId\":\""
                    + id + "\"}", "Authorization", Http.basic("wk_smoke_0123456789")).status()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    !vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).isEmpty());
            drover.destroy();
            assertThat(drover.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            drover.destroyForcibly();
            vendor.stop();
        }
    }
}
