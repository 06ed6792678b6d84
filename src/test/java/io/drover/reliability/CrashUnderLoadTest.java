package io.drover.reliability;

import java.nio.file.Files;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.drover.testing.DroverProcess;
import io.drover.testing.LoadClients;
import io.drover.testing.Tally;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes under load: four clients post without pause while Drover is killed with SIGKILL five times and stopped
 * with SIGTERM once, each time started again at once on the same data directory. The clients re-send every request
 * that got no answer, as SDKs do. Every acknowledged event reaches the vendor; none is stored twice (the dedupe
 * window survives the restarts); deliveries twice are counted (at least once after a kill).
 */
class CrashUnderLoadTest {

    private static final String KEY = "wk_crash_load_0123456789";
    private static final int KILLS = 5;
    private final WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
            .dynamicPort().containerThreads(20));
    private DroverProcess drover;

    @AfterEach
    void stop() throws InterruptedException {
        if (drover != null) {
            drover.close();
        }
        vendor.stop();
    }

    @Test
    void everyAcknowledgedEventIsDeliveredAndStoredOnceThroughKillsAndATerm() throws Exception {
        vendor.start();
        vendor.stubFor(post(urlEqualTo("/hook")).willReturn(ok()));
        drover = DroverProcess.withWebhook(Files.createTempDirectory("drover-crash-load-"), KEY,
                "http://127.0.0.1:" + vendor.port() + "/hook", 20);
        LoadClients load = new LoadClients(() -> drover.url(""), KEY, "crash");
        drover.start();
        load.start(4, 240);
        for (int kill = 1; kill <= KILLS + 1; kill++) {
            int target = load.acknowledged.size() + 400;
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= target);
            if (kill <= KILLS) {
                drover.kill();
            } else {
                // SIGTERM: stop taking requests, answer those in flight, flush, stop the broker; bounded.
                assertThat(drover.terminate()).as("exit status after SIGTERM").isIn(0, 143);
            }
            drover.start();
        }
        int target = load.acknowledged.size() + 400;
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= target);
        load.stop();
        int unanswered = load.unanswered.size();
        load.resendUnanswered(60);
        assertThat(load.unanswered).as("requests still unanswered after re-sending").isEmpty();
        assertThat(load.count(500)).as("500 answers").isZero();

        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> Tally.of("", load.acknowledged, Tally.deliveries(vendor, "/hook")).lost() == 0);
        Tally tally = Tally.of(KILLS + " x kill -9 and 1 x SIGTERM under load (" + unanswered
                + " requests unanswered at a crash, re-sent)", load.acknowledged, Tally.deliveries(vendor, "/hook")).report();
        assertThat(tally.lost()).isZero();

        try (TopicReader topic = new TopicReader(drover.bootstrapServers(), "drover.events")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    load.acknowledged.stream().allMatch(id -> !topic.find(id).isEmpty()));
            long storedTwice = load.acknowledged.stream().filter(id -> topic.find(id).size() > 1).count();
            System.out.printf("crash under load: %d acknowledged events stored twice in drover.events%n", storedTwice);
            assertThat(storedTwice).as("acknowledged events stored more than once").isZero();
        }
    }
}
