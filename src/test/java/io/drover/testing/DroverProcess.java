package io.drover.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * on free loopback ports that stay the same across restarts, with one source, and a client for its ingestion API and
 * admin port that reports a refused connection as status -1 instead of throwing.
 */
public final class DroverProcess implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx384m"));
    private final String writeKey;
    private final Path logDir;
    public final int httpPort = FreePorts.next();
    public final int adminPort = FreePorts.next();
    public final int kafkaPort = FreePorts.next();
    private Process process;

    /** @param settings environment variables on top of the ports, the data directory and the source */
    public DroverProcess(Path dataDir, Path logDir, String writeKey, Map<String, String> settings) {
        this.writeKey = writeKey;
        this.logDir = logDir;
        env.put("DROVER_HTTP_PORT", String.valueOf(httpPort));
        env.put("DROVER_ADMIN_PORT", String.valueOf(adminPort));
        env.put("DROVER_DATA_DIR", dataDir.toString());
        env.put("DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(kafkaPort));
        env.put("DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(FreePorts.next()));
        env.put("DROVER_SOURCES_APP_WRITE_KEY", writeKey);
        env.putAll(settings);
    }

    /** Adds JVM options (e.g. -Dcamel.component.kafka.x=y: Camel's own settings are not read from the environment). */
    public DroverProcess jvm(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Starts it (its output in {@code <logDir>/<log>}) and waits until ingestion answers other than "starting". */
    public DroverProcess start(String log) throws IOException {
        Process p = JavaProcess.start("io.drover.Drover", jvmArgs, List.of(), env, logDir.resolve(log));
        process = p;
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("Drover exited with " + p.exitValue() + "; see " + logDir.resolve(log));
            }
            Http.Response r = post("/v1/track", "{\"userId\":\"probe\",\"event\":\"Started\"}");
            return r.status() == 200 || r.status() == 503 && !r.body().contains("\"starting\"");
        });
        return this;
    }

    public Process process() {
        return process;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** POSTs to the ingestion API with the source's key; status -1 when no connection was made. */
    public Http.Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
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
