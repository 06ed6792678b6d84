package io.drover.console;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.cli.EventsCommand;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Looking at stored events without Kafka's tools: by messageId, the latest matching a filter, and as they arrive, on
 * the admin API and with {@code drover events}.
 */
class EventsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestDrover drover = TestDrover.shared();

    @Test
    void anEventIsFoundByItsMessageIdAsStoredWithItsSource() throws Exception {
        String id = "look-" + UUID.randomUUID();
        send(id, "looker");
        Http.Response r = Http.send("GET", drover.adminUrl("/admin/events/" + id), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode stored = r.json().get("stored").get(0);
        assertThat(stored.get("source").asText()).isEqualTo("backend");
        assertThat(stored.at("/event/messageId").asText()).isEqualTo(id);
        // As stored: enriched at ingestion.
        assertThat(stored.at("/event/receivedAt").asText()).isNotEmpty();

        Http.Response missing = Http.send("GET", drover.adminUrl("/admin/events/never-" + UUID.randomUUID() + "?since=1h"), null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("code").asText()).isEqualTo("not_found");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = EventsCommand.run(List.of("get", id, "--admin", drover.adminUrl("")), new PrintStream(out),
                System.err);
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(id);
    }

    @Test
    void theLatestEventsMatchingAFilterAndBadParametersNamed() {
        String user = "filter-" + UUID.randomUUID();
        String first = "f1-" + UUID.randomUUID();
        String second = "f2-" + UUID.randomUUID();
        send(first, user);
        send(second, user);
        Http.Response r = Http.send("GET", drover.adminUrl("/admin/events?userId=" + user + "&since=10m"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = Stream.of(r.json().get("events")).flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false))
                .map(e -> e.at("/event/messageId").asText()).toList();
        assertThat(ids).containsExactlyInAnyOrder(first, second);

        Http.Response bad = Http.send("GET", drover.adminUrl("/admin/events?userid=x"), null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("userid");
        assertThat(Http.send("GET", drover.adminUrl("/admin/events?since=soon"), null).json().get("parameter").asText())
                .isEqualTo("since");
    }

    @Test
    void eventsAreFollowedAsTheyArrive() throws Exception {
        String user = "follow-" + UUID.randomUUID();
        String id = "fw-" + UUID.randomUUID();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(drover.adminUrl("/admin/events?follow=true&limit=1&timeout=60s&userId=" + user)))
                .timeout(Duration.ofSeconds(60)).GET().build();
        // The answer's headers come once the reader knows where the topic ends: the signal that it reads.
        HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        send("other-" + UUID.randomUUID(), "someone-else");
        send(id, user);
        List<String> lines = response.body().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        assertThat(JSON.readTree(lines.get(0)).at("/event/messageId").asText()).isEqualTo(id);
    }

    @Test
    void theTailsFirstByteComesBeforeAnyEvent() throws Exception {
        // Firefox's fetch() resolves on a body's first bytes, not on the headers: the console's tail waits for them.
        HttpRequest request = HttpRequest.newBuilder(URI.create(drover.adminUrl("/admin/events?follow=true&limit=1&timeout=5s"
                + "&userId=nobody-" + UUID.randomUUID()))).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            // Without it, nothing would come before the 5 s timeout ended the answer (read: -1).
            assertThat(body.read()).isEqualTo('\n');
        }
    }

    private void send(String messageId, String userId) {
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"" + userId + "\",\"event\":\"Looked At\",\"messageId\":\""
                + messageId + "\"}", "Authorization", Http.basic(TestDrover.BACKEND_KEY), "Content-Type",
                "application/json").status()).isEqualTo(200);
    }
}
