package io.drover.ingest;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Health and metrics on the admin port, as a load balancer and Prometheus see them. */
class OperationsTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void healthIsUpIncludingTheKafkaProducer() {
        Http.Response ready = Http.send("GET", drover.adminUrl("/observe/health/ready"), null);
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        Http.Response all = Http.send("GET", drover.adminUrl("/observe/health"), null);
        assertThat(all.json().get("status").asText()).isEqualTo("UP");
        assertThat(all.body()).contains("producer:kafka");
        assertThat(Http.send("GET", drover.adminUrl("/observe/health/live"), null).status()).isEqualTo(200);
    }

    @Test
    void writeKeysNeverReachTheLogs() {
        // Also after a refused key and a logged warning or two.
        Http.post(drover.url("/v1/track"), "{\"userId\":\"u\"}", "Authorization", Http.basic(WEB_KEY));
        assertThat(TestDrover.LOGS.lines()).isNotEmpty();
        assertThat(TestDrover.LOGS.lines()).noneMatch(line -> line.contains(WEB_KEY)
                || line.contains(TestDrover.BACKEND_KEY) || line.contains(TestDrover.OPEN_KEY));
    }

    @Test
    void ingestionIsCountedInPrometheusFormat() {
        Http.post(drover.url("/v1/track"), "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", Http.basic(WEB_KEY));
        Http.post(drover.url("/v1/track"), "{\"userId\":\"u\"}", "Authorization", Http.basic(WEB_KEY));
        Http.Response metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("drover_ingest_requests_total\\{endpoint=\"track\",status=\"200\"\\} [1-9]")
                .containsPattern("drover_ingest_requests_total\\{endpoint=\"track\",status=\"400\"\\} [1-9]")
                .containsPattern("drover_ingest_events_total\\{outcome=\"stored\",source=\"web\"\\} [1-9]");
    }
}
