package io.drover.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's retries that reach Drover while it is still writing the first copy (the client gave up waiting, Drover
 * did not): each is answered 200 (the first copy was stored meanwhile) or 503 in_flight, and the event is stored once.
 * Before, every copy that arrived before the first one's acknowledgement was stored.
 */
class InFlightRetryTest {

    private static final int COPIES = 16;
    private final TestDrover drover = TestDrover.shared();

    @Test
    void copiesSentAtOnceAreStoredOnce() throws Exception {
        String id = "inflight-" + UUID.randomUUID();
        String body = "{\"userId\":\"u-" + id + "\",\"event\":\"Retried\",\"messageId\":\"" + id + "\"}";
        ExecutorService pool = Executors.newFixedThreadPool(COPIES);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Http.Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < COPIES; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return Http.post(drover.url("/v1/track"), body, "Authorization", Http.basic(WEB_KEY));
                }));
            }
            start.countDown();
            for (Future<Http.Response> f : answers) {
                Http.Response r = f.get(30, TimeUnit.SECONDS);
                if (r.status() != 200) {
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    assertThat(r.json().get("code").asText()).isEqualTo("in_flight");
                    assertThat(r.header("retry-after")).isEqualTo("1");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // The client's next retry, once the first copy is stored: refused as a duplicate (200, nothing stored).
        assertThat(Http.post(drover.url("/v1/track"), body, "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
        String marker = "marker-" + UUID.randomUUID();
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"u-" + id + "\",\"event\":\"M\",\"messageId\":\""
                + marker + "\"}", "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
        drover.topic.await(marker);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !drover.topic.find(id).isEmpty());
        assertThat(drover.topic.find(id)).as("copies of the event on the topic").hasSize(1);
    }
}
