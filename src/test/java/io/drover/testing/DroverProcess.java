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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * Drover as a separate process (io.drover.Drover, configured only through environment variables, as in a container)
 * on free loopback ports that stay the same across restarts, with one source {@code app}, and a client for its
 * ingestion API and admin port that reports a refused connection as status -1 instead of throwing. It can be
 * killed, terminated and started again on the same data directory, as an operator (or a crash) would.
 */
public final class DroverProcess implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx384m"));
    private final String writeKey;
    private final Path logDir;
    public final Path dataDir;
    public final int httpPort = FreePorts.next();
    public final int adminPort = FreePorts.next();
    public final int kafkaPort = FreePorts.next();
    private Process process;
    private Path log;
    private int starts;

    /** @param settings environment variables on top of the ports, the data directory and the source */
    public DroverProcess(Path dataDir, Path logDir, String writeKey, Map<String, String> settings) {
        this.dataDir = dataDir;
        this.writeKey = writeKey;
        this.logDir = logDir;
        env.put("DROVER_HTTP_PORT", String.valueOf(httpPort));
        env.put("DROVER_HTTP_HOST", "127.0.0.1");   // tests listen on loopback only
        env.put("DROVER_ADMIN_PORT", String.valueOf(adminPort));
        env.put("DROVER_DATA_DIR", dataDir.toString());
        env.put("DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(kafkaPort));
        env.put("DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(FreePorts.next()));
        env.put("DROVER_SOURCES_APP_WRITE_KEY", writeKey);
        env.putAll(settings);
    }

    /** A Drover with the shipped webhook module (batches of {@code batchSize}) sending to {@code hookUrl}. */
    public static DroverProcess withWebhook(Path dataDir, String writeKey, String hookUrl, int batchSize) throws IOException {
        return withWebhook(dataDir, writeKey, hookUrl, batchSize, Map.of());
    }

    /** As {@link #withWebhook(Path, String, String, int)}, with more settings (e.g. an external cluster's address). */
    public static DroverProcess withWebhook(Path dataDir, String writeKey, String hookUrl, int batchSize,
                                            Map<String, String> settings) throws IOException {
        Path integrations = Files.createDirectories(dataDir.resolve("integrations"));
        Files.copy(Path.of("integrations/webhook.yaml"), integrations.resolve("webhook.yaml"));
        Map<String, String> env = new HashMap<>(Map.of(
                "DROVER_INTEGRATIONS_DIR", integrations.toString(),
                "DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS", "true",
                "WEBHOOK_URL", hookUrl,
                "WEBHOOK_SECRET", "fault-suite-secret",
                "WEBHOOK_BATCH_SIZE", String.valueOf(batchSize)));
        env.putAll(settings);
        return new DroverProcess(dataDir, dataDir, writeKey, env);
    }

    /** A second webhook integration ({@code name}, its own consumer group) sending to {@code hookUrl}. */
    public DroverProcess addWebhook(String name, String hookUrl) throws IOException {
        String module = Files.readString(Path.of("integrations/webhook.yaml"))
                .replace("routeId: webhook", "routeId: " + name)
                .replace("value: webhook\n", "value: " + name + "\n")
                .replace("{{webhook.url}}", hookUrl);
        Files.writeString(integrationsDir().resolve(name + ".yaml"), module);
        return this;
    }

    public Path integrationsDir() {
        return Path.of(env.getOrDefault("DROVER_INTEGRATIONS_DIR", dataDir.resolve("integrations").toString()));
    }

    /** Adds JVM options (e.g. -Dcamel.component.kafka.x=y: Camel's own settings are not read from the environment). */
    public DroverProcess jvm(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Starts the process, its output in {@code run-<n>.log}, and returns at once (the port may not be open yet). */
    public DroverProcess start() throws IOException {
        return start("run-" + (starts + 1) + ".log");
    }

    /** Starts the process, its output in {@code <logDir>/<name>}, and returns at once. */
    public DroverProcess start(String name) throws IOException {
        starts++;
        log = logDir.resolve(name);
        process = JavaProcess.start("io.drover.Drover", jvmArgs, List.of(), env, log);
        return this;
    }

    /** Waits until {@code /observe/health/ready} answers 200. */
    public DroverProcess awaitReady(Duration atMost) {
        try {
            Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> alive() && readiness() == 200);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What readiness still waits for, named by its checks: the first thing to read in a failed run.
            Http.Response r = admin("/observe/health/ready");
            throw new AssertionError("not ready within " + atMost + " (readiness " + r.status() + ": " + r.body()
                    + "); see " + log, e);
        }
        return this;
    }

    /** Waits until ingestion answers anything but "starting" (ready, or refusing for a reason of its own). */
    public DroverProcess awaitAdmitting() {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Http.Response r = post("/v1/track", "{\"userId\":\"probe\",\"event\":\"Started\"}");
            return alive() && (r.status() == 200 || r.status() == 503 && !r.body().contains("\"starting\""));
        });
        return this;
    }

    private boolean alive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Drover exited with " + process.exitValue() + "; see " + log);
        }
        return true;
    }

    /** The status of {@code /observe/health/ready}, or -1 while the admin port does not answer. */
    public int readiness() {
        return admin("/observe/health/ready").status();
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The log of the current run. */
    public Path log() {
        return log;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** POSTs to the ingestion API with the source's key; status -1 when no connection was made. */
    public Http.Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", Http.basic(writeKey)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** GETs a path of the admin port (/observe/health/ready, ...); status -1 when no connection was made. */
    public Http.Response admin(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).GET());
    }

    private Http.Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
            return new Http.Response(r.statusCode(), r.body(), headers);
        } catch (IOException e) {
            return new Http.Response(-1, e.toString(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Http.Response(-1, e.toString(), Map.of());
        }
    }

    /** SIGTERM; returns the exit status, or fails when it takes longer than a minute. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("Drover did not stop within 60 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 30 s. */
    public void stop() throws InterruptedException {
        JavaProcess.stop(process);
    }

    /** SIGKILL, as a crash or an impatient operator. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
