package io.drover.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpServer;
import org.HdrHistogram.Histogram;

/**
 * End-to-end load: ingestion → Kafka → N integrations → a stand-in vendor, in one process beside a running Drover.
 * The generator posts batches of events to {@code /v1/batch} at a fixed rate (open loop); each event carries the
 * nanosecond time it was due to be sent. The stand-in vendor (the JDK's HTTP server, path {@code /v/<integration>})
 * counts the events each integration delivers and records, per event, the time from "due to be sent" to "arrived at
 * the vendor": the delivery latency Drover adds, batching and linger included.
 *
 * <p>Not a test: run by {@code bench/e2e.sh}. Usage:
 * {@code EndToEnd <drover base url> <write key> <vendor port> <integrations> <events/s> <batch size> <seconds>
 * <warm-up seconds> [<warm-up events/s>]}. Prints one {@code RESULT ...} line.
 *
 * <p>The warm-up may run at a lower rate than the measured window: Drover's JIT keeps compiling for about two minutes
 * under load (a third to half of a core), and a backlog built meanwhile would be counted against the window.
 */
public final class EndToEnd {

    private static final String STAMP = "\"drover_bench_t\":";
    private static final byte[] STAMP_BYTES = STAMP.getBytes(StandardCharsets.US_ASCII);
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(120);

    private final int integrations;
    private final LongAdder[] arrived;
    private final Histogram[] latency;
    private final AtomicLong[] windowDelivered;
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;

    private EndToEnd(int integrations) {
        this.integrations = integrations;
        this.arrived = new LongAdder[integrations];
        this.latency = new Histogram[integrations];
        this.windowDelivered = new AtomicLong[integrations];
        for (int i = 0; i < integrations; i++) {
            arrived[i] = new LongAdder();
            windowDelivered[i] = new AtomicLong();
            latency[i] = new Histogram(HIGHEST, 3);
        }
    }

    public static void main(String[] args) throws Exception {
        String drover = args[0];
        String key = args[1];
        int vendorPort = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        int batch = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        int warmup = Integer.parseInt(args[7]);
        double warmupRate = args.length > 8 ? Double.parseDouble(args[8]) : rate;
        new EndToEnd(n).run(drover, key, vendorPort, rate, batch, seconds, warmup, warmupRate);
    }

    private void run(String drover, String key, int vendorPort, double rate, int batch, int seconds, int warmup,
                     double warmupRate) throws Exception {
        HttpServer vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", vendorPort), 256);
        vendor.createContext("/v/", exchange -> {
            int i = Integer.parseInt(exchange.getRequestURI().getPath().substring(3));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            arrivedBody(i, body, System.nanoTime());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        vendor.setExecutor(Executors.newFixedThreadPool(4));
        vendor.start();
        // Signals the script that the vendor listens; the script then drops the modules in and waits for them.
        System.out.println("VENDOR READY");
        System.out.flush();
        awaitLine("GO");

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        Semaphore inFlight = new Semaphore(64);
        LongAdder sentOk = new LongAdder();
        LongAdder sentFailed = new LongAdder();
        LongAdder late = new LongAdder();
        AtomicLong windowSent = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        // Rates are counted over the measured window by the wall clock, from a timer: under overload the send loop
        // runs late, and a window taken from it would not be the window the rates are divided by.
        long[] snapshotFrom = new long[integrations];
        long[] snapshotTo = new long[integrations];
        long[] acceptedAt = new long[2];
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.schedule(() -> {
            for (int i = 0; i < integrations; i++) {
                snapshotFrom[i] = arrived[i].sum();
            }
            acceptedAt[0] = sentOk.sum();
        }, measureFrom - System.nanoTime(), TimeUnit.NANOSECONDS);
        ScheduledFuture<?> windowEnd = timer.schedule(() -> {
            for (int i = 0; i < integrations; i++) {
                snapshotTo[i] = arrived[i].sum();
            }
            acceptedAt[1] = sentOk.sum();
        }, measureTo - System.nanoTime(), TimeUnit.NANOSECONDS);
        String run = Long.toString(System.currentTimeMillis(), 36);
        UserPopulation population = UserPopulation.fromEnvironment();
        UserPopulation.Draw visitors = population.draw(System.nanoTime());
        System.out.println("population: " + population.describe());
        // Requests are due at fixed intervals: the warm-up's until the window starts, then the window's.
        long warmupRequests = (long) Math.ceil(warmup * warmupRate / batch);
        for (long r = 0; ; r++) {
            long due = r < warmupRequests
                    ? start + (long) (r * 1e9 * batch / warmupRate)
                    : measureFrom + (long) ((r - warmupRequests) * 1e9 * batch / rate);
            if (due >= measureTo) {
                break;
            }
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(Math.min(due - System.nanoTime(), 200_000));
            }
            if (!inFlight.tryAcquire()) {
                // Drover is not answering fast enough: this request waits, and its events' latency counts the wait.
                late.increment();
                inFlight.acquire();
            }
            String body = batchBody(run, r, batch, due, visitors);
            boolean inWindow = due >= measureFrom;
            HttpRequest request = HttpRequest.newBuilder(URI.create(drover + "/v1/batch")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                inFlight.release();
                if (error == null && response.statusCode() == 200) {
                    sentOk.add(batch);
                    if (inWindow) {
                        windowSent.addAndGet(batch);
                    }
                } else {
                    sentFailed.add(batch);
                }
            });
        }
        windowEnd.get();   // snapshots are taken (the send loop may end before or after the window does)
        timer.shutdown();
        double window = seconds;
        inFlight.acquire(64);
        // Drain: wait (bounded) until every integration has every event sent in the window; the RESULT line says
        // whether they all arrived (delivered_all).
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> minWindowDelivered() >= windowSent.get());
        } catch (org.awaitility.core.ConditionTimeoutException notAll) {
            // reported below
        }
        vendor.stop(0);

        double minRate = integrations == 0 ? 0 : Double.MAX_VALUE;
        double sumRate = 0;
        Histogram all = new Histogram(HIGHEST, 3);
        for (int i = 0; i < integrations; i++) {
            double r = (snapshotTo[i] - snapshotFrom[i]) / window;
            minRate = Math.min(minRate, r);
            sumRate += r;
            synchronized (latency[i]) {
                all.add(latency[i]);
            }
        }
        System.out.printf(Locale.ROOT, "RESULT integrations=%d offered=%.0f batch=%d ingested_ok=%d ingest_failed=%d "
                        + "late_requests=%d window_events=%d accepted_per_s=%.0f delivered_all=%s delivered_per_s_min=%.0f delivered_per_s_total=%.0f "
                        + "latency_p50_ms=%.1f latency_p99_ms=%.1f latency_p999_ms=%.1f latency_max_ms=%.1f%n",
                integrations, rate, batch, sentOk.sum(), sentFailed.sum(), late.sum(), windowSent.get(),
                (acceptedAt[1] - acceptedAt[0]) / window,
                minWindowDelivered() >= windowSent.get(), minRate, sumRate, ms(all.getValueAtPercentile(50)),
                ms(all.getValueAtPercentile(99)), ms(all.getValueAtPercentile(99.9)), ms(all.getMaxValue()));
        System.out.flush();
        // Stays alive until the script has read this process's CPU time and closes stdin (with no integration to
        // wait for, the run would otherwise end before the script reads it).
        while (System.in.read() != -1) {
            // nothing else is sent
        }
        System.exit(0);
    }

    private long minWindowDelivered() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < integrations; i++) {
            min = Math.min(min, windowDelivered[i].get());
        }
        return min;
    }

    /** Finds each event's stamp in the vendor's body (no JSON parsing: the generator must stay cheap). */
    private void arrivedBody(int integration, byte[] body, long now) {
        int events = 0;
        long inWindow = 0;
        Histogram h = latency[integration];
        for (int at = indexOf(body, 0); at >= 0; at = indexOf(body, at + STAMP_BYTES.length)) {
            long t = 0;
            for (int p = at + STAMP_BYTES.length; p < body.length && body[p] >= '0' && body[p] <= '9'; p++) {
                t = t * 10 + (body[p] - '0');
            }
            events++;
            if (t >= measureFrom && t < measureTo) {
                inWindow++;
                synchronized (h) {
                    h.recordValue(Math.min(HIGHEST, Math.max(0, now - t)));
                }
            }
        }
        arrived[integration].add(events);
        windowDelivered[integration].addAndGet(inWindow);
    }

    private static int indexOf(byte[] body, int from) {
        outer:
        for (int i = from; i <= body.length - STAMP_BYTES.length; i++) {
            for (int j = 0; j < STAMP_BYTES.length; j++) {
                if (body[i + j] != STAMP_BYTES[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A realistic web event (about 700 bytes) of a visitor from the population, stamped with the time its request was due. */
    private static String batchBody(String run, long request, int batch, long due, UserPopulation.Draw visitors) {
        StringBuilder b = new StringBuilder(batch * 760).append("{\"batch\":[");
        for (int j = 0; j < batch; j++) {
            b.append(j == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",");
            visitors.next().appendTo(b).append(",\"messageId\":\"")
                    .append(run).append('-').append(request).append('-').append(j).append("\",\"properties\":{")
                    .append(STAMP).append(due)
                    .append(",\"product_id\":\"sku-42\",\"name\":\"Sneaker 42\",\"price\":89.99,\"currency\":\"USD\",")
                    .append("\"category\":\"Shoes\",\"quantity\":1},\"context\":{\"page\":{\"url\":\"https://shop.example/p/42\",")
                    .append("\"path\":\"/p/42\",\"referrer\":\"https://www.google.com/\",\"title\":\"Sneaker 42\"},")
                    .append("\"userAgent\":\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15\",")
                    .append("\"locale\":\"en-US\",\"library\":{\"name\":\"drover.js\",\"version\":\"1.0.0\"},")
                    .append("\"providers\":{\"meta\":{\"fbp\":\"fb.1.1732780800000.1234567890\"}}}}");
        }
        return b.append("]}").toString();
    }

    private static void awaitLine(String expected) throws IOException {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals(expected)) {
                return;
            }
        }
        throw new IOException("stdin closed before " + expected);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
