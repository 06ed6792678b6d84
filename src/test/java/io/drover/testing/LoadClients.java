package io.drover.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Clients that post single events and batches of ten, with their own messageIds, as SDKs do: a request that got no
 * answer (the connection broke) is kept and re-sent later, as an SDK re-sends what it believes lost; a 503 is retried
 * after its Retry-After. Every status is counted, and the messageIds of answered 200s are the acknowledged ones.
 * Bounded: each client stops after {@code maxSeconds} whatever happens.
 */
public final class LoadClients {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** One request's body and the messageIds in it. */
    public record Request(String path, String body, List<String> ids) {
    }

    /** One answer: when the attempt started and ended ({@link System#nanoTime}), and its status. */
    public record Answer(long startNanos, long endNanos, int status) {
        public long millis() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
        }
    }

    private final Supplier<String> baseUrl;
    private final String writeKey;
    private final String prefix;
    public final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    public final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    /** Requests sent that got no answer: stored or not, nobody knows. */
    public final List<Request> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Why each unanswered request got no answer. */
    public final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    /** 503 answers without a Retry-After header or without a JSON error code. */
    public final AtomicInteger badRefusals = new AtomicInteger();
    /** Attempts that made no connection (refused, or not accepted in time): never sent, tried again. */
    public final AtomicInteger notConnected = new AtomicInteger();
    /** Every answer in the order received, with its timing. */
    public final List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The JSON {@code code} of each non-200 answer (e.g. {@code buffer_unavailable}, {@code stopping}), counted. */
    public final Map<String, AtomicInteger> refusalCodes = new ConcurrentHashMap<>();
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");
    private volatile long paceMillis;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();

    public LoadClients(Supplier<String> baseUrl, String writeKey, String prefix) {
        this.baseUrl = baseUrl;
        this.writeKey = writeKey;
        this.prefix = prefix;
    }

    /** Each client waits this long after each request: bounded load (clients x 1000 / millis requests/s at most). */
    public LoadClients pace(long millis) {
        this.paceMillis = millis;
        return this;
    }

    /** Starts {@code clients} threads that post until {@link #stop()} (or {@code maxSeconds}). */
    public LoadClients start(int clients, int maxSeconds) {
        stopping.set(false);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
                while (!stopping.get() && System.nanoTime() < deadline) {
                    Request r = next(client);
                    if (!send(r, deadline) && stopping.get()) {
                        return;
                    }
                    if (paceMillis > 0) {
                        pause(paceMillis);
                    }
                }
            }, "load-" + prefix + "-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return this;
    }

    /** Stops posting and waits for the clients to finish their request in flight. */
    public void stop() throws InterruptedException {
        stopping.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        threads.clear();
    }

    /** Sends the unanswered requests again, each until it is answered (at most {@code maxSeconds} in all). */
    public void resendUnanswered(int maxSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        List<Request> again;
        synchronized (unanswered) {
            again = new ArrayList<>(unanswered);
            unanswered.clear();
        }
        for (Request r : again) {
            while (!send(r, deadline) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    public int count(int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    private Request next(int client) {
        int n = sequence.incrementAndGet();
        List<String> ids = new ArrayList<>();
        if (n % 2 == 0) {
            String id = prefix + "-" + n;
            ids.add(id);
            return new Request("/v1/track", "{\"userId\":\"user-" + client + "-" + (n % 7) + "\",\"event\":\"E\",\"messageId\":\""
                    + id + "\"}", ids);
        }
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 10; i++) {
            String id = prefix + "-" + n + "-" + i;
            ids.add(id);
            b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"user-").append(client).append('-')
                    .append(i).append("\",\"event\":\"E\",\"messageId\":\"").append(id).append("\"}");
        }
        return new Request("/v1/batch", b.append("]}").toString(), ids);
    }

    /**
     * One request, retried on 503 (after its Retry-After) and on a refused connection (the port is not open yet);
     * true once answered 200. A broken connection after the request went out is recorded as unanswered.
     */
    private boolean send(Request r, long deadline) {
        while (System.nanoTime() < deadline) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl.get() + r.path())).timeout(Duration.ofSeconds(20))
                    .header("Authorization", Http.basic(writeKey)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(r.body())).build();
            HttpResponse<String> answer;
            long start = System.nanoTime();
            try {
                answer = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
                // Not connected (the port is not open yet, or the machine too busy to accept in time): never sent.
                notConnected.incrementAndGet();
                if (stopping.get()) {
                    return false;
                }
                pause(20);
                continue;
            } catch (IOException e) {
                unanswered.add(r);
                failures.add(e.toString());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            statuses.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            answers.add(new Answer(start, System.nanoTime(), answer.statusCode()));
            if (answer.statusCode() == 200) {
                acknowledged.addAll(r.ids());
                return true;
            }
            java.util.regex.Matcher code = CODE.matcher(answer.body());
            refusalCodes.computeIfAbsent(answer.statusCode() + " " + (code.find() ? code.group(1) : "(no code)"),
                    k -> new AtomicInteger()).incrementAndGet();
            if (answer.statusCode() != 503 || stopping.get()) {
                return false;
            }
            String retryAfter = answer.headers().firstValue("Retry-After").orElse(null);
            if (retryAfter == null || !answer.body().contains("\"code\"")) {
                badRefusals.incrementAndGet();
            }
            pause(retryAfter == null ? 100 : Math.min(200, Long.parseLong(retryAfter) * 1000));
        }
        return false;
    }

    private static void pause(long millis) {
        try {
            // A client's back-off between attempts, not a test waiting for a state.
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
