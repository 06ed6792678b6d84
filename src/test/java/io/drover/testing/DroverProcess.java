package io.drover.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * Drover as a separate process on a data directory of its own, configured only through environment variables (as in
 * a container), with the shipped webhook module pointed at a stand-in vendor on loopback. It can be killed,
 * terminated and started again on the same directory, as an operator (or a crash) would.
 */
public final class DroverProcess implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final Path dataDir;
    public final Path integrationsDir;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx384m"));
    private Process process;
    private int starts;

    private DroverProcess(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.integrationsDir = Files.createDirectories(dataDir.resolve("integrations"));
        env.put("DROVER_HTTP_PORT", String.valueOf(FreePorts.next()));
        env.put("DROVER_ADMIN_PORT", String.valueOf(FreePorts.next()));
        env.put("DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(FreePorts.next()));
        env.put("DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(FreePorts.next()));
        env.put("DROVER_DATA_DIR", dataDir.toString());
        env.put("DROVER_INTEGRATIONS_DIR", integrationsDir.toString());
        env.put("DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS", "true");
    }

    /** A Drover whose source {@code app} has this write key, with the webhook module sending to {@code hookUrl}. */
    public static DroverProcess withWebhook(Path dataDir, String writeKey, String hookUrl, int batchSize) throws IOException {
        DroverProcess d = new DroverProcess(dataDir);
        d.env.put("DROVER_SOURCES_APP_WRITE_KEY", writeKey);
        d.env.put("WEBHOOK_URL", hookUrl);
        d.env.put("WEBHOOK_SECRET", "fault-suite-secret");
        d.env.put("WEBHOOK_BATCH_SIZE", String.valueOf(batchSize));
        Files.copy(Path.of("integrations/webhook.yaml"), d.integrationsDir.resolve("webhook.yaml"));
        return d;
    }

    /** A second webhook integration ({@code name}, its own consumer group) sending to {@code hookUrl}. */
    public DroverProcess addWebhook(String name, String hookUrl) throws IOException {
        String module = Files.readString(Path.of("integrations/webhook.yaml"))
                .replace("routeId: webhook", "routeId: " + name)
                .replace("value: webhook\n", "value: " + name + "\n")
                .replace("{{webhook.url}}", hookUrl);
        Files.writeString(integrationsDir.resolve(name + ".yaml"), module);
        return this;
    }

    public DroverProcess set(String variable, String value) {
        env.put(variable, value);
        return this;
    }

    /** Starts the process and returns at once (the port may not be open yet). */
    public DroverProcess start() throws IOException {
        starts++;
        process = JavaProcess.start("io.drover.Drover", jvmArgs, List.of(), env, log());
        return this;
    }

    /** Waits until {@code /observe/health/ready} answers 200. */
    public DroverProcess awaitReady(Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Drover exited with " + process.exitValue() + "; see " + log());
            }
            return readiness() == 200;
        });
        return this;
    }

    /** The status of {@code /observe/health/ready}, or 0 while the admin port does not answer. */
    public int readiness() {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(adminUrl("/observe/health/ready")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit status, or fails when it takes longer than a minute. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("Drover did not stop within 60 s of SIGTERM; see " + log());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + env.get("DROVER_HTTP_PORT") + path;
    }

    public String adminUrl(String path) {
        return "http://127.0.0.1:" + env.get("DROVER_ADMIN_PORT") + path;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + env.get("DROVER_KAFKA_EMBEDDED_PORT");
    }

    /** The log of the current run. */
    public Path log() {
        return dataDir.resolve("run-" + starts + ".log");
    }

    @Override
    public void close() throws InterruptedException {
        JavaProcess.stop(process);
    }
}
