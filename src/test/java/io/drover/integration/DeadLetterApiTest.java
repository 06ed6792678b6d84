package io.drover.integration;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.cli.DeadLettersCommand;
import io.drover.cli.ReplayCommand;
import io.drover.console.AdminApi;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading dead letters, through the shipped webhook module (one request per event): four letters with statuses no
 * other test uses (422, 409, 422, 410), listed with each filter and in pages by {@code GET
 * /admin/integrations/webhook/dead-letters}, printed by {@code drover dead-letters}, and replayed selectively by the
 * admin endpoint and {@code drover replay}. Queries end at the time the four were written, so replays' new letters
 * do not change what the others see.
 */
class DeadLetterApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final String OURS = "status=409,410,422";
    private static final List<String> ids = new ArrayList<>();
    private static Instant start;
    private static Instant middle;
    private static Instant end;

    @BeforeAll
    static void fourDeadLetters() throws Exception {
        String run = UUID.randomUUID().toString();
        int[] statuses = {422, 409, 422, 410};
        for (int i = 0; i < 4; i++) {
            String id = "dl-" + statuses[i] + "-" + i + "-" + run;
            ids.add(id);
            drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id))
                    .willReturn(aResponse().withStatus(statuses[i]).withBody("{\"error\":\"no " + i + "\"}")));
        }
        start = Instant.now();
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.webhook")) {
            // One user: one partition, so the letters are written in this order.
            send(ids.get(0));
            send(ids.get(1));
            awaitLetters(dlq, ids.subList(0, 2));
            middle = Instant.now();
            send(ids.get(2));
            send(ids.get(3));
            awaitLetters(dlq, ids.subList(2, 4));
            end = Instant.now();
        }
    }

    @Test
    void listsWithEachFilter() {
        JsonNode all = list(OURS);
        assertThat(messageIds(all)).containsExactlyElementsOf(ids);
        assertThat(all.has("next")).isFalse();
        assertThat(all.get("integration").asText()).isEqualTo("webhook");
        JsonNode first = all.get("deadLetters").get(0);
        for (String field : List.of("offset", "writtenAt", "integration", "reason", "status", "responseBody", "retryable",
                "attempts", "firstAttemptAt", "lastAttemptAt", "sourcePartition", "sourceOffset", "requestId", "event")) {
            assertThat(first.has(field)).as(field).isTrue();
        }
        assertThat(first.get("status").asInt()).isEqualTo(422);
        assertThat(first.get("responseBody").asText()).isEqualTo("{\"error\":\"no 0\"}");
        assertThat(Instant.parse(first.get("writtenAt").asText())).isBetween(start, middle);
        assertThat(all.has("requests")).isFalse();

        assertThat(messageIds(list("status=422"))).containsExactly(ids.get(0), ids.get(2));
        assertThat(messageIds(list("status=409,410"))).containsExactly(ids.get(1), ids.get(3));
        assertThat(messageIds(list(OURS + "&reason=" + enc("HTTP 410")))).containsExactly(ids.get(3));
        assertThat(messageIds(list(OURS + "&reason=" + enc("vendor answered http 4")))).containsExactlyElementsOf(ids);
        assertThat(messageIds(get("since=" + start + "&until=" + middle + "&" + OURS))).containsExactly(ids.get(0), ids.get(1));
        assertThat(messageIds(get("since=" + middle + "&until=" + end + "&" + OURS))).containsExactly(ids.get(2), ids.get(3));
        // A class: only ours are 4xx but 400-408 of other tests; ours are among them, in order.
        assertThat(messageIds(list("status=4xx"))).containsSubsequence(ids);
    }

    @Test
    void pagesWithACursorAndResolvesRequests() {
        JsonNode first = list(OURS + "&limit=3&include=request");
        assertThat(messageIds(first)).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(first.get("next").asText()).isNotBlank();
        JsonNode second = list(OURS + "&limit=3&include=request&after=" + enc(first.get("next").asText()));
        assertThat(messageIds(second)).containsExactly(ids.get(3));
        assertThat(second.has("next")).isFalse();
        // Each letter's request, once per page by id: found after the page's start, and before it (the second page).
        for (JsonNode page : List.of(first, second)) {
            for (JsonNode letter : page.get("deadLetters")) {
                JsonNode request = page.at("/requests/" + letter.get("requestId").asText());
                assertThat(request.get("method").asText()).isEqualTo("POST");
                assertThat(request.get("url").asText()).endsWith("/hook");
                assertThat(request.at("/body/messageId").asText()).isEqualTo(letter.at("/event/messageId").asText());
                assertThat(request.toString()).doesNotContain(TestDrover.WEBHOOK_SECRET);
            }
        }
    }

    @Test
    void refusesWhatItCannotAnswer() {
        Http.Response unknown = Http.send("GET", drover.adminUrl("/admin/integrations/nosuch/dead-letters"), null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asText()).isEqualTo("unknown_integration");
        assertThat(unknown.json().get("message").asText()).contains("drover.dlq.nosuch");
        for (String[] bad : new String[][] {{"since=yesterday", "since"}, {"until=2026-13-01", "until"},
                {"status=4x", "status"}, {"limit=0", "limit"}, {"limit=1001", "limit"}, {"include=everything", "include"},
                {"after=somewhere", "after"}, {"stauts=400", "stauts"}}) {
            Http.Response r = Http.send("GET", drover.adminUrl("/admin/integrations/webhook/dead-letters?" + bad[0]), null);
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.json().get("parameter").asText()).as(bad[0]).isEqualTo(bad[1]);
            assertThat(r.header("content-type")).isEqualTo("application/json");
        }
        Http.Response replay = Http.send("POST", drover.adminUrl("/admin/integrations/webhook/replay?stauts=422"), null);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().get("parameter").asText()).isEqualTo("stauts");
    }

    @Test
    void anAdminTokenIsRequiredWhenSet() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            new AdminApi(drover.server.integrations(), "admin-s3cret", drover.server.bootstrapServers()).mount(router);
            int port = FreePorts.next();
            vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            String url = "http://127.0.0.1:" + port + "/admin/integrations/webhook/dead-letters?limit=1";
            assertThat(Http.send("GET", url, null).status()).isEqualTo(401);
            assertThat(Http.send("GET", url, null, "Authorization", "Bearer wrong").status()).isEqualTo(401);
            assertThat(Http.send("POST", url.replace("dead-letters?limit=1", "replay"), null).status()).isEqualTo(401);
            Http.Response ok = Http.send("GET", url, null, "Authorization", "Bearer admin-s3cret");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("deadLetters")).hasSize(1);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCommandPrintsOneLetterALine() throws Exception {
        Run all = command("webhook", "--since", start.toString(), "--until", end.toString(), "--status", "409,410,422");
        assertThat(all.status).as(all.err).isZero();
        List<String> lines = all.out.lines().toList();
        assertThat(lines).hasSize(4);
        List<String> printed = new ArrayList<>();
        for (String line : lines) {
            printed.add(MAPPER.readTree(line).at("/event/messageId").asText());
        }
        assertThat(printed).containsExactlyElementsOf(ids);
        assertThat(MAPPER.readTree(lines.get(0)).get("requestId").asText()).isNotBlank();

        Run some = command("webhook", "--since", start.toString(), "--status", "422", "--reason", "HTTP 422", "--limit", "1");
        assertThat(some.out.lines().toList()).hasSize(1);
        assertThat(MAPPER.readTree(some.out.lines().findFirst().orElseThrow()).at("/event/messageId").asText())
                .isEqualTo(ids.get(0));

        Run bad = command("webhook", "--since", "yesterday");
        assertThat(bad.status).isEqualTo(2);
        assertThat(bad.err).contains("since").contains("Usage: java -jar drover.jar dead-letters");
        Run unknown = command("nosuch");
        assertThat(unknown.status).isEqualTo(1);
        assertThat(unknown.err).contains("drover.dlq.nosuch");
    }

    @Test
    void replaySendsBackOnlyTheMatchingLetters() throws Exception {
        // By status, through the admin endpoint: the two 422s (still refused: they come back as letters).
        Http.Response r = Http.send("POST", drover.adminUrl("/admin/integrations/webhook/replay?since=" + start
                + "&until=" + end + "&status=422"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("replayed").asInt()).isEqualTo(2);
        awaitRequests(ids.get(2), 2);
        assertThat(requests(ids.get(0))).isEqualTo(2);
        // Replayed in the order of the letters: had the 409 between them been replayed, it would have arrived by now.
        assertThat(requests(ids.get(1))).isEqualTo(1);
        assertThat(requests(ids.get(3))).isEqualTo(1);

        // By reason, through the command.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ReplayCommand.run(List.of("webhook", "--since", start.toString(), "--until", end.toString(),
                "--reason", "http 410", "--bootstrap-servers", drover.server.bootstrapServers()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Replayed 1 dead letters of webhook");
        awaitRequests(ids.get(3), 2);
        assertThat(requests(ids.get(1))).isEqualTo(1);
        // Refused again, they are letters again (awaited: no letter of this test is written after it).
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.webhook")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> List.of(ids.get(0), ids.get(2), ids.get(3))
                    .stream().allMatch(id -> dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).size() == 2));
        }

        Http.Response bad = Http.send("POST", drover.adminUrl("/admin/integrations/webhook/replay?status=abc"), null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("status");
    }

    private record Run(int status, String out, String err) {
    }

    private static Run command(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(drover.server.bootstrapServers());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DeadLettersCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The list of the four letters' time span with more conditions. */
    private static JsonNode list(String query) {
        return get("since=" + start + "&until=" + end + "&" + query);
    }

    private static JsonNode get(String query) {
        Http.Response r = Http.send("GET", drover.adminUrl("/admin/integrations/webhook/dead-letters?" + query), null);
        assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<String> messageIds(JsonNode page) {
        List<String> found = new ArrayList<>();
        page.get("deadLetters").forEach(l -> found.add(l.at("/event/messageId").asText()));
        return found;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void send(String id) {
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"dead-letter-reader\",\"event\":\"E\",\"messageId\":\""
                + id + "\"}", "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private static void awaitLetters(TopicReader dlq, List<String> wanted) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> wanted.stream().allMatch(id ->
                !dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).isEmpty()));
    }

    private static int requests(String id) {
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).size();
    }

    private static void awaitRequests(String id, int n) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requests(id) >= n);
    }
}
