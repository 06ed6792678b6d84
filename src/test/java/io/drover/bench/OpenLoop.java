package io.drover.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Open-loop load generator: sends single {@code POST /v1/track} requests at a fixed rate, whatever the server does,
 * and records each request's latency from its <em>intended</em> send time (no coordinated omission: a stalled server
 * makes every request scheduled meanwhile late, and that lateness is counted).
 *
 * <p>Request {@code i} is due at {@code start + i / rate}. Connection {@code k} (one thread, one keep-alive socket)
 * sends requests {@code k, k + C, k + 2C, ...}; if its previous request is still unanswered when the next one is due,
 * the next one waits, and its latency includes the wait, as a real client's would. Plain blocking sockets keep the
 * generator cheap: it shares the machine's cores with the server.
 *
 * <p>Not a test: run by {@code bench/run.sh}. Usage:
 * {@code OpenLoop <url> <rate/s> <seconds> <warm-up seconds> <connections> [Authorization header value]}.
 * Prints one {@code RESULT ...} line (milliseconds) for the script to read.
 */
public final class OpenLoop {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final URI url;
    private final double rate;
    private final long startNanos;
    private final long warmupEndNanos;
    private final long endNanos;
    private final int connections;
    private final String authorization;
    private final UserPopulation population = UserPopulation.fromEnvironment();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder reconnects = new LongAdder();

    private OpenLoop(URI url, double rate, int seconds, int warmup, int connections, String authorization) {
        this.url = url;
        this.rate = rate;
        this.connections = connections;
        this.authorization = authorization;
        // Leave the threads a moment to connect before the first request is due.
        this.startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        this.warmupEndNanos = startNanos + TimeUnit.SECONDS.toNanos(warmup);
        this.endNanos = warmupEndNanos + TimeUnit.SECONDS.toNanos(seconds);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("Usage: OpenLoop <url> <rate/s> <seconds> <warm-up seconds> <connections> [authorization]");
            System.exit(2);
        }
        OpenLoop loop = new OpenLoop(URI.create(args[0]), Double.parseDouble(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), args.length > 5 ? args[5] : null);
        loop.run();
    }

    private void run() throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        for (int k = 0; k < connections; k++) {
            Worker w = new Worker(k);
            workers.add(w);
            w.start();
        }
        Histogram intended = new Histogram(HIGHEST_NANOS, 3);
        Histogram service = new Histogram(HIGHEST_NANOS, 3);
        long lastDone = warmupEndNanos + 1;
        for (Worker w : workers) {
            // Bounded: a worker whose server hangs gives up when its socket times out (see Worker).
            w.join();
            intended.add(w.fromIntended);
            service.add(w.fromSend);
            lastDone = Math.max(lastDone, w.lastDone);
        }
        // Answers per second over the measured window (from the end of the warm-up to the last answer).
        double achieved = ok.sum() / ((lastDone - warmupEndNanos) / 1e9);
        System.out.println("population: " + population.describe());
        System.out.printf(Locale.ROOT, "RESULT target_rate=%.0f achieved_rate=%.1f ok=%d failed=%d reconnects=%d "
                        + "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f "
                        + "svc_p50_ms=%.3f svc_p99_ms=%.3f svc_p999_ms=%.3f%n",
                rate, achieved, ok.sum(), failed.sum(), reconnects.sum(),
                ms(intended.getValueAtPercentile(50)), ms(intended.getValueAtPercentile(90)),
                ms(intended.getValueAtPercentile(99)), ms(intended.getValueAtPercentile(99.9)), ms(intended.getMaxValue()),
                ms(service.getValueAtPercentile(50)), ms(service.getValueAtPercentile(99)),
                ms(service.getValueAtPercentile(99.9)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** One connection: its share of the schedule, its own histograms (merged at the end, no sharing meanwhile). */
    private final class Worker extends Thread {
        final Histogram fromIntended = new Histogram(HIGHEST_NANOS, 3);
        final Histogram fromSend = new Histogram(HIGHEST_NANOS, 3);
        long lastDone;
        private final int index;
        private final UserPopulation.Draw visitors;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        Worker(int index) {
            super("open-loop-" + index);
            this.index = index;
            this.visitors = population.draw(System.nanoTime() + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            for (long i = index; ; i += connections) {
                long due = startNanos + (long) (i * 1e9 / rate);
                if (due >= endNanos) {
                    break;
                }
                byte[] request = request(i);  // built before it is due, so its cost is not in the latency
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long sent = System.nanoTime();
                boolean success = send(request);
                long done = System.nanoTime();
                if (due < warmupEndNanos) {
                    continue;
                }
                if (success) {
                    ok.increment();
                    fromIntended.recordValue(Math.min(done - due, HIGHEST_NANOS));
                    fromSend.recordValue(Math.min(done - sent, HIGHEST_NANOS));
                } else {
                    failed.increment();
                }
                lastDone = done;
                if (done > endNanos + TimeUnit.SECONDS.toNanos(30)) {
                    // Hopelessly behind: stop rather than run on, and count what was never sent as failed.
                    for (long j = i + connections; startNanos + (long) (j * 1e9 / rate) < endNanos; j += connections) {
                        failed.increment();
                    }
                    break;
                }
            }
            close();
        }

        /** About 400 bytes, like a typical track call; its user drawn from the population, no messageId. */
        private byte[] request(long i) {
            String body = visitors.next().appendTo(new StringBuilder(64).append('{')) + ",\"event\":\"Product Viewed\","
                    + "\"properties\":{\"product_id\":\"sku-48213\",\"name\":\"Trail Running Shoe\","
                    + "\"category\":\"Footwear\",\"price\":89.95,\"currency\":\"EUR\",\"quantity\":1},"
                    + "\"context\":{\"library\":{\"name\":\"drover-bench\",\"version\":\"1.0.0\"},\"locale\":\"de-DE\","
                    + "\"page\":{\"path\":\"/products/sku-48213\",\"referrer\":\"https://search.example/q?shoes\"}},"
                    + "\"timestamp\":\"2025-11-28T12:00:00.000Z\"}";
            byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256)
                    .append("POST ").append(url.getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n")
                    .append("Content-Type: application/json\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[headBytes.length + bodyBytes.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
            return all;
        }

        /** Sends one request and reads its answer; true for a 200. Reconnects on any I/O error. */
        private boolean send(byte[] request) {
            try {
                if (socket == null) {
                    connect();
                }
                out.write(request);
                out.flush();
                return readResponse() == 200;
            } catch (IOException e) {
                close();
                return false;
            }
        }

        private void connect() throws IOException {
            reconnects.increment();
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        /** Reads a status line, headers and a Content-Length body; returns the status. */
        private int readResponse() throws IOException {
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = 0;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    close = true;
                }
            }
            while (length > 0) {
                long skipped = in.skip(length);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException();
                    }
                    skipped = 1;
                }
                length -= skipped;
            }
            if (close) {
                close();
            }
            return code;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new EOFException("connection closed");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }
}
