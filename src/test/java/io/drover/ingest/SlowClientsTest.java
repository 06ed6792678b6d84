package io.drover.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.drover.DroverServer;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.support.CamelContextHelper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and idle clients cannot hold the ingestion port: 1,000 slowloris connections (each dribbling header lines
 * so that no idle timeout could catch it) are closed at the header deadline while good requests keep being
 * answered; a body that trickles is closed at the body deadline; an idle keep-alive connection at the keep-alive one;
 * connections over the cap are closed as they open. Deadlines are short here (seconds) so that the test is.
 */
class SlowClientsTest {

    private static final String KEY = "wk_slow_0123456789";
    private static final int SLOW = 1_000;
    private static final int MAX_CONNECTIONS = SLOW + 10;
    private static DroverServer drover;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("drover-slow-");
        drover = new DroverServer(Map.ofEntries(
                Map.entry("drover.http.host", "127.0.0.1"),
                Map.entry("drover.http.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.admin.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.embedded.port", String.valueOf(FreePorts.next())),
                Map.entry("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next())),
                Map.entry("drover.data-dir", dir.toString()),
                Map.entry("drover.integrations-dir", Files.createDirectories(dir.resolve("integrations")).toString()),
                Map.entry("drover.identity.enabled", "false"),
                Map.entry("drover.sources.backend.write-key", KEY),
                Map.entry("drover.sources.backend.allowed-origins", ""),
                Map.entry("drover.http.header-timeout", "1500ms"),
                Map.entry("drover.http.body-timeout", "1500ms"),
                Map.entry("drover.http.keep-alive-timeout", "2s"),
                Map.entry("drover.http.max-connections", String.valueOf(MAX_CONNECTIONS)))).start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> drover.readiness().ready());
    }

    @AfterAll
    static void stop() {
        if (drover != null) {
            drover.stop();
        }
    }

    @Test
    void aThousandSlowlorisConnectionsAreClosedWhileGoodRequestsAreAnswered() throws Exception {
        double closedBefore = closed("header_timeout");
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW; i++) {
                Socket s = new Socket("127.0.0.1", drover.httpPort());
                s.getOutputStream().write(("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int good = 0;
            int line = 0;
            // Each slow connection sends one more header line per round: never idle, never done.
            while (closed("header_timeout") - closedBefore < SLOW && System.nanoTime() < deadline) {
                if (line < 300) {
                    // At most 300 lines (3.6 KB): under the header size limit, which would answer 431 instead.
                    for (Socket s : slow) {
                        dribble(s, "X-S" + line + ": 1\r\n");
                    }
                    line++;
                }
                Http.Response r = post("{\"userId\":\"u1\",\"event\":\"Good " + good + "\"}");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                good++;
            }
            assertThat(closed("header_timeout") - closedBefore).as("slow connections closed at the header deadline")
                    .isGreaterThanOrEqualTo(SLOW);
            assertThat(good).as("good requests answered while the slow ones were open").isGreaterThan(0);
            for (Socket s : slow) {
                assertThat(readsEndOfStream(s)).as("a slow connection is closed by Drover").isTrue();
            }
            assertThat(post("{\"userId\":\"u1\",\"event\":\"After\"}").status()).isEqualTo(200);
            System.out.printf("SlowClientsTest: %d slowloris connections closed at the header deadline, %d good"
                    + " requests answered meanwhile%n", SLOW, good);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aBodyThatTricklesIsClosedAtTheBodyDeadline() throws Exception {
        double before = closed("body_timeout");
        try (Socket s = new Socket("127.0.0.1", drover.httpPort())) {
            s.getOutputStream().write(("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + Http.basic(KEY) + "\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            // One byte at a time, then a wait of up to 100 ms for Drover to close the connection (the signal).
            s.setSoTimeout(100);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean closedByDrover = false;
            while (!closedByDrover && System.nanoTime() < deadline && dribble(s, " ")) {
                try {
                    closedByDrover = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // Next byte.
                } catch (IOException reset) {
                    closedByDrover = true;
                }
            }
            assertThat(closed("body_timeout")).isEqualTo(before + 1);
            assertThat(readsEndOfStream(s)).isTrue();
        }
        // The request that was cut off is not counted as in flight: a shutdown would not wait for it.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> drover.ingestion().inFlight() == 0);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAndASilentOneToo() throws Exception {
        double idleBefore = closed("keep_alive_timeout");
        try (Socket s = new Socket("127.0.0.1", drover.httpPort()); Socket silent = new Socket("127.0.0.1", drover.httpPort())) {
            String body = "{\"userId\":\"u1\",\"event\":\"Kept alive\"}";
            s.getOutputStream().write(("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + Http.basic(KEY) + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAvailable(s);
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(readsEndOfStream(s)).as("closed after the keep-alive deadline").isTrue();
            // (The test client's own pooled connections, idle since the tests before, are closed too.)
            assertThat(closed("keep_alive_timeout")).isGreaterThanOrEqualTo(idleBefore + 1);
            assertThat(readsEndOfStream(silent)).as("a connection that never sends is closed too").isTrue();
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAsTheyOpen() throws Exception {
        double before = closed("over_capacity");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS + 20; i++) {
                sockets.add(new Socket("127.0.0.1", drover.httpPort()));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> closed("over_capacity") - before >= 20);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> drover.ingestServer().openConnections() == 0);
        assertThat(post("{\"userId\":\"u1\",\"event\":\"After the flood\"}").status()).isEqualTo(200);
    }

    private static Http.Response post(String body) {
        return Http.post("http://127.0.0.1:" + drover.httpPort() + "/v1/track", body,
                "Authorization", Http.basic(KEY), "Content-Type", "application/json");
    }

    /** Writes, or answers false when Drover has closed the connection. */
    private static boolean dribble(Socket s, String text) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Whether the server closes the connection within 10 s (end of stream, or a reset). */
    private static boolean readsEndOfStream(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String readAvailable(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        byte[] buf = new byte[4096];
        int n = s.getInputStream().read(buf);
        return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    private static double closed(String reason) {
        MeterRegistry registry = CamelContextHelper.findSingleByType(drover.context(), MeterRegistry.class);
        Counter c = registry.find("drover.http.connections.closed").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
