package io.drover.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * Events/s delivered by one integration against a slow vendor, for several values of the module's
 * {@code concurrency} (issue 19): a webhook with batch size 1 and a stand-in (the JDK's HTTP server, on loopback)
 * that answers every request after {@code answerMs}. For each value, a module is dropped into the running Drover's
 * integrations directory, a probe event tells when it reads, then {@code perLane × concurrency × seconds} events of
 * distinct users are sent at once and the rate at which the vendor receives them is measured over the backlog.
 * <p>
 * {@code ConcurrentDelivery <drover url> <write key> <integrations dir> <vendor port> <answer ms> <seconds>
 * <concurrency,...>}; run by {@code bench/concurrency.sh}.
 */
public final class ConcurrentDelivery {

    private static final class Path_ {
        final AtomicLong count = new AtomicLong();
        final AtomicLong first = new AtomicLong();
        final AtomicLong last = new AtomicLong();
    }

    private final Map<String, Path_> paths = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        new ConcurrentDelivery().run(args[0], args[1], Path.of(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]), args[6].split(","));
    }

    private void run(String drover, String key, Path integrations, int vendorPort, int answerMs, int seconds,
                     String[] concurrencies) throws Exception {
        HttpServer vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", vendorPort), 512);
        vendor.createContext("/v/", exchange -> {
            boolean probe = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    .contains("\"Probe\"");
            Path_ p = paths.computeIfAbsent(exchange.getRequestURI().getPath() + (probe ? "-probe" : ""),
                    k -> new Path_());
            long now = System.nanoTime();
            if (p.count.incrementAndGet() == 1) {
                p.first.set(now);
            }
            p.last.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(answerMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        java.util.concurrent.ExecutorService answering = Executors.newFixedThreadPool(300);
        vendor.setExecutor(answering);
        vendor.start();
        String auth = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        System.out.printf("vendor answers in %d ms; batch size 1; %d s of backlog per run%n", answerMs, seconds);
        for (String c : concurrencies) {
            int concurrency = Integer.parseInt(c.trim());
            String name = "lanes-c" + concurrency;
            Path module = integrations.resolve(name + ".yaml");
            Files.writeString(module, module(name, concurrency, vendorPort));
            awaitReading(drover, auth, name);
            int events = Math.max(100, (int) Math.ceil(concurrency * 1000.0 / answerMs * seconds));
            Path_ p = paths.computeIfAbsent("/v/" + name, k -> new Path_());
            long sent0 = System.nanoTime();
            send(drover, auth, name, events);
            long sentMs = (System.nanoTime() - sent0) / 1_000_000;
            long deadline = System.nanoTime() + (long) (seconds * 10L + 60) * 1_000_000_000L;
            while (p.count.get() < events && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long n = p.count.get();
            double span = (p.last.get() - p.first.get()) / 1e9;
            System.out.printf("RESULT concurrency=%d events=%d delivered=%d seconds=%.2f events_per_s=%.1f"
                    + " ceiling=%.1f sent_in_ms=%d%n", concurrency, events, n, span, n > 1 ? (n - 1) / span : 0,
                    concurrency * 1000.0 / answerMs, sentMs);
            Files.delete(module);
        }
        vendor.stop(0);
        answering.shutdownNow();   // its threads would keep the JVM (and the script) waiting
    }

    /** Sends a probe event (its own user) each half second until the vendor has one: the module reads. */
    private void awaitReading(String drover, String auth, String name) throws Exception {
        for (int i = 0; i < 240; i++) {
            Path_ p = paths.get("/v/" + name + "-probe");
            if (p != null && p.last.get() > 0) {
                return;
            }
            post(drover + "/v1/track", auth, "{\"userId\":\"probe\",\"event\":\"Probe\",\"properties\":{\"to\":\""
                    + name + "\"}}");
            Thread.sleep(500);
        }
        throw new IllegalStateException("module " + name + " did not start reading in 2 minutes");
    }

    private void send(String drover, String auth, String name, int events) throws Exception {
        StringBuilder batch = new StringBuilder();
        int inBatch = 0;
        for (int i = 0; i < events; i++) {
            batch.append(inBatch == 0 ? "{\"batch\":[" : ",").append("{\"type\":\"track\",\"userId\":\"").append(name)
                    .append("-user-").append(i).append("\",\"event\":\"Lane\",\"properties\":{\"to\":\"").append(name)
                    .append("\"}}");
            if (++inBatch == 500 || i == events - 1) {
                post(drover + "/v1/batch", auth, batch.append("]}").toString());
                batch.setLength(0);
                inBatch = 0;
            }
        }
    }

    private void post(String url, String auth, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * The shipped webhook's bean; only this run's events reach its path (a filter on the property {@code to}), the
     * probe goes to a path of its own through the same filter.
     */
    private static String module(String name, int concurrency, int vendorPort) {
        return """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: %1$s
                    parameters:
                      - name: name
                        value: %1$s
                      - name: endpoint
                        value: "http://127.0.0.1:%3$d/v/%1$s"
                      - name: batchSize
                        value: "1"
                      - name: lingerMs
                        value: "0"
                      - name: concurrency
                        value: "%2$d"
                      - name: filters
                        value: |
                          - allow: {path: properties.to, equals: %1$s}
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: bench-secret
                """.formatted(name, concurrency, vendorPort);
    }
}
