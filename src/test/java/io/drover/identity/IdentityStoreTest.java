package io.drover.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityStoreTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<String> published = java.util.Collections.synchronizedList(new ArrayList<>());
    @TempDir
    Path dir;
    private IdentityStore store;
    private final List<IdentityStore> opened = new ArrayList<>();

    @BeforeEach
    void open() {
        store = open(dir.resolve("identity"), Duration.ofDays(1), (k, v) -> published.add(k));
    }

    @AfterEach
    void close() {
        opened.forEach(IdentityStore::close);
    }

    private IdentityStore open(Path at, Duration ttl, java.util.function.BiConsumer<String, Identity> publisher) {
        IdentityStore s = IdentityStore.open(at, ttl, publisher);
        opened.add(s);
        return s;
    }

    @Test
    void aBackendTrackWithOnlyAUserIdGetsTheBrowsersIdsAfterIdentify() throws Exception {
        store.learn(event("""
                {"type":"page","anonymousId":"anon-1","context":{"providers":{"meta":{"fbp":"fb.1.1.111"},"google":{"clientId":"1.2"}}}}"""));
        store.learn(event("""
                {"type":"identify","anonymousId":"anon-1","userId":"user-1","context":{"providers":{"meta":{"fbc":"fb.1.2.click"}}}}"""));
        ObjectNode backend = event("""
                {"type":"track","userId":"user-1","event":"Order Completed","context":{"providers":{"meta":{"fbp":"fb.1.9.sent"}}}}""");
        store.enrich(backend);
        assertThat(backend.get("anonymousId").asText()).isEqualTo("anon-1");
        // What the event brings wins; what it lacks is filled in.
        assertThat(backend.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.9.sent");
        assertThat(backend.at("/context/providers/meta/fbc").asText()).isEqualTo("fb.1.2.click");
        assertThat(backend.at("/context/providers/google/clientId").asText()).isEqualTo("1.2");
    }

    @Test
    void theIngestionPathEnrichesThenLearns() throws Exception {
        store.see(event("""
                {"type":"page","anonymousId":"anon-10","context":{"providers":{"google":{"clientId":"10.1"}}}}"""), true);
        ObjectNode identify = event("{\"type\":\"identify\",\"anonymousId\":\"anon-10\",\"userId\":\"user-10\"}");
        store.see(identify, true);
        assertThat(identify.at("/context/providers/google/clientId").asText()).as("enriched from the page").isEqualTo("10.1");
        ObjectNode backend = event("{\"type\":\"track\",\"userId\":\"user-10\",\"event\":\"X\"}");
        store.see(backend, true);
        assertThat(backend.get("anonymousId").asText()).isEqualTo("anon-10");
        assertThat(backend.at("/context/providers/google/clientId").asText()).isEqualTo("10.1");
        int before = published.size();
        store.see(event("{\"type\":\"track\",\"userId\":\"user-10\",\"event\":\"Y\"}"), true);
        assertThat(published).as("nothing new").hasSize(before);
    }

    @Test
    void anUntrustedUserIdIsNeitherLookedUpNorLinked() throws Exception {
        // The victim's trusted link (a server-side identify).
        store.see(event("""
                {"type":"identify","anonymousId":"anon-v","userId":"victim","context":{"providers":{"meta":{"fbp":"fb.v"}}}}"""), true);
        // A browser's claims: the victim's userId with the attacker's anonymous id and vendor ids, and an alias.
        ObjectNode claim = event("""
                {"type":"identify","anonymousId":"anon-x","userId":"victim","context":{"providers":{"meta":{"fbp":"fb.x","fbc":"fbc.x"}}}}""");
        store.see(claim, false);
        assertThat(claim.at("/context/providers/meta/fbc").asText()).as("not enriched from the victim").isEqualTo("fbc.x");
        store.see(event("{\"type\":\"alias\",\"anonymousId\":\"anon-x\",\"previousId\":\"anon-x\",\"userId\":\"victim\"}"), false);
        assertThat(store.get("u:victim").anonymousId()).isEqualTo("anon-v");
        assertThat(store.get("u:victim").providers().toString()).doesNotContain("fb.x").doesNotContain("fbc.x");
        assertThat(store.get("a:anon-x").userId()).isNull();
        assertThat(store.get("a:anon-x").providers().at("/meta/fbp").asText()).as("its own, under its own id").isEqualTo("fb.x");

        ObjectNode userOnly = event("{\"type\":\"track\",\"userId\":\"victim\",\"event\":\"X\"}");
        store.see(userOnly, false);
        assertThat(userOnly.has("anonymousId")).isFalse();
        assertThat(userOnly.has("context")).isFalse();
        // The victim's browser itself: its own vendor ids, no userId added.
        ObjectNode own = event("{\"type\":\"page\",\"anonymousId\":\"anon-v\"}");
        store.see(own, false);
        assertThat(own.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.v");
        assertThat(own.has("userId")).isFalse();
        // The victim's server-side purchase.
        ObjectNode purchase = event("{\"type\":\"track\",\"userId\":\"victim\",\"event\":\"Order Completed\"}");
        store.see(purchase, true);
        assertThat(purchase.get("anonymousId").asText()).isEqualTo("anon-v");
        assertThat(purchase.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.v");
        assertThat(purchase.at("/context/providers/meta/fbc").isMissingNode()).isTrue();
    }

    @Test
    void anUntrustedOptOutForgetsTheBrowsersIdsAndItsTrustedUsersNotTheClaimedUsers() throws Exception {
        store.see(event("""
                {"type":"identify","anonymousId":"anon-o","userId":"owner","context":{"providers":{"meta":{"fbp":"fb.o"}}}}"""), true);
        store.see(event("""
                {"type":"identify","anonymousId":"anon-p","userId":"other","context":{"providers":{"meta":{"fbp":"fb.p"}}}}"""), true);
        // The owner's browser opts out, claiming another userId: its own ids and its linked user's are forgotten.
        store.see(event("""
                {"type":"track","event":"X","anonymousId":"anon-o","userId":"other",
                 "context":{"consent":{"categoryPreferences":{"advertising":false}}}}"""), false);
        assertThat(store.get("a:anon-o").providers().isEmpty()).isTrue();
        assertThat(store.get("u:owner").providers().isEmpty()).isTrue();
        assertThat(store.get("u:other").providers().isEmpty()).as("a claim cannot erase another user's").isFalse();
    }

    @Test
    void anAnonymousEventGetsItsKnownUser() throws Exception {
        store.learn(event("{\"type\":\"identify\",\"anonymousId\":\"anon-2\",\"userId\":\"user-2\"}"));
        ObjectNode later = event("{\"type\":\"page\",\"anonymousId\":\"anon-2\"}");
        store.enrich(later);
        assertThat(later.get("userId").asText()).isEqualTo("user-2");
    }

    @Test
    void aliasCarriesTheVendorIdsOfThePreviousId() throws Exception {
        store.learn(event("{\"type\":\"page\",\"anonymousId\":\"anon-3\",\"context\":{\"providers\":{\"tiktok\":{\"ttp\":\"ttp-3\"}}}}"));
        store.learn(event("{\"type\":\"alias\",\"previousId\":\"anon-3\",\"userId\":\"user-3\"}"));
        ObjectNode backend = event("{\"type\":\"track\",\"userId\":\"user-3\",\"event\":\"X\"}");
        store.enrich(backend);
        assertThat(backend.at("/context/providers/tiktok/ttp").asText()).isEqualTo("ttp-3");
        assertThat(backend.get("anonymousId").asText()).isEqualTo("anon-3");
    }

    @Test
    void vendorIdsAreNeitherLearnedNorAddedWhenAdvertisingIsRefused() throws Exception {
        store.learn(event("""
                {"type":"page","anonymousId":"anon-4","userId":"user-4","context":{"providers":{"meta":{"fbp":"fb.1.1.4"}},
                 "consent":{"categoryPreferences":{"Advertising":false}}}}"""));
        assertThat(store.get("u:user-4").providers().isEmpty()).isTrue();
        store.learn(event("{\"type\":\"page\",\"anonymousId\":\"anon-4\",\"context\":{\"providers\":{\"meta\":{\"fbp\":\"fb.1.1.4\"}}}}"));
        ObjectNode refused = event("""
                {"type":"track","userId":"user-4","event":"X","context":{"consent":{"optOut":{"advertising":"true"}}}}""");
        store.enrich(refused);
        assertThat(refused.at("/context/providers").isMissingNode()).isTrue();
        assertThat(refused.get("anonymousId").asText()).as("ids are not advertising data").isEqualTo("anon-4");
    }

    @Test
    void anOptOutForgetsTheVendorIdsKept() throws Exception {
        store.learn(event("""
                {"type":"identify","anonymousId":"anon-9","userId":"user-9","context":{"providers":{"meta":{"fbp":"fb.1.1.9"}}}}"""));
        assertThat(store.get("u:user-9").providers().isEmpty()).isFalse();
        store.learn(event("""
                {"type":"track","event":"X","userId":"user-9","context":{"consent":{"categoryPreferences":{"advertising":false}}}}"""));
        assertThat(store.get("u:user-9").providers().isEmpty()).isTrue();
        assertThat(published).contains("u:user-9");
        ObjectNode later = event("{\"type\":\"track\",\"event\":\"Y\",\"userId\":\"user-9\"}");
        store.enrich(later);
        assertThat(later.at("/context/providers").isMissingNode()).isTrue();
        assertThat(later.get("anonymousId").asText()).isEqualTo("anon-9");
    }

    @Test
    void nothingNewIsNotPublishedAgain() throws Exception {
        String page = "{\"type\":\"page\",\"anonymousId\":\"anon-5\",\"userId\":\"user-5\",\"context\":{\"providers\":{\"meta\":{\"fbp\":\"f\"}}}}";
        store.learn(event(page));
        int after = published.size();
        assertThat(after).isEqualTo(2);
        store.learn(event(page));
        store.learn(event(page));
        assertThat(published).hasSize(after);
        store.learn(event(page.replace("\"f\"", "\"g\"")));
        assertThat(published).hasSize(after + 2);
    }

    @Test
    void entriesExpireByAge() throws Exception {
        IdentityStore shortLived = open(dir.resolve("short"), Duration.ofMillis(300), (k, v) -> { });
        shortLived.learn(event("{\"type\":\"identify\",\"anonymousId\":\"anon-6\",\"userId\":\"user-6\"}"));
        assertThat(shortLived.get("a:anon-6")).isNotNull();
        // Age is since the last update (a read does not make an entry younger): polling does not keep it.
        Awaitility.await("expiry").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            ObjectNode later = event("{\"type\":\"page\",\"anonymousId\":\"anon-6\"}");
            shortLived.enrich(later);
            return !later.has("userId");
        });
        assertThat(shortLived.get("u:user-6")).isNull();
        // An old record read from the topic is not brought back either.
        shortLived.apply("a:anon-7", new Identity("user-7", "anon-7", MAPPER.createObjectNode(), System.currentTimeMillis() - 10_000));
        assertThat(shortLived.get("a:anon-7")).isNull();
    }

    @Test
    void expiredEntriesLeaveTheDisk() throws Exception {
        IdentityStore shortLived = open(dir.resolve("short"), Duration.ofSeconds(1), (k, v) -> { });
        for (int i = 0; i < 1000; i++) {
            shortLived.learn(event("{\"type\":\"identify\",\"anonymousId\":\"a" + i + "\",\"userId\":\"u" + i + "\"}"));
        }
        assertThat(shortLived.size()).isGreaterThanOrEqualTo(1000);
        // RocksDB's TTL compaction drops them (in service: by itself, at least daily; here on demand).
        Awaitility.await("expired entries compacted away").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    shortLived.db().compact();
                    return shortLived.size() == 0;
                });
        assertThat(shortLived.get("a:a1")).isNull();
    }

    @Test
    void anEntryInUseIsRewrittenAndRepublishedAtHalfItsExpiry() throws Exception {
        List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
        IdentityStore s = open(dir.resolve("active"), Duration.ofSeconds(2), (k, v) -> out.add(k));
        s.see(event("{\"type\":\"identify\",\"anonymousId\":\"anon-a\",\"userId\":\"user-a\"}"), true);
        long first = s.get("a:anon-a").updatedAt();
        assertThat(out).containsExactlyInAnyOrder("a:anon-a", "u:user-a");
        // The browser keeps coming back with its anonymous id only: past half the expiry its entry is rewritten (and
        // so stays in the topic), and it outlives the expiry time counted from the identify.
        Awaitility.await("rewritten").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            ObjectNode page = event("{\"type\":\"page\",\"anonymousId\":\"anon-a\"}");
            s.see(page, true);
            return s.get("a:anon-a") != null && s.get("a:anon-a").updatedAt() > first;
        });
        assertThat(s.get("a:anon-a").userId()).isEqualTo("user-a");
        assertThat(out).as("republished once").containsOnlyOnce("u:user-a").filteredOn("a:anon-a"::equals).hasSize(2);
    }

    @Test
    void moreUsersThanTheOldCountCapAreAllKept() throws Exception {
        // The old store kept at most drover.identity.max-entries (1,000,000 entries) and silently forgot past it;
        // now there is no count bound at all: 200,000 users (400,000 entries) through the ingestion path, with a
        // store whose cache is 8 MB, all found.
        int users = 200_000;
        long started = System.nanoTime();
        for (int i = 0; i < users; i++) {
            ObjectNode identify = MAPPER.createObjectNode().put("type", "identify").put("anonymousId", "anon-" + i)
                    .put("userId", "user-" + i);
            identify.putObject("context").putObject("providers").putObject("meta").put("fbp", "fb.1.1." + i);
            store.see(identify, true);
        }
        long written = System.nanoTime();
        for (int i = 0; i < users; i++) {
            ObjectNode backend = MAPPER.createObjectNode().put("type", "track").put("userId", "user-" + i);
            store.see(backend, true);
            assertThat(backend.path("anonymousId").asText()).isEqualTo("anon-" + i);
            assertThat(backend.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.1." + i);
        }
        System.out.printf("%d users: written in %d ms, all looked up in %d ms%n", users,
                (written - started) / 1_000_000, (System.nanoTime() - written) / 1_000_000);
        assertThat(store.size()).isGreaterThanOrEqualTo(2L * users * 9 / 10);
    }

    @Test
    void entriesSurviveClosingAndReopening() throws Exception {
        store.see(event("""
                {"type":"identify","anonymousId":"anon-r","userId":"user-r","context":{"providers":{"meta":{"fbp":"fb.r"}}}}"""), true);
        store.close();
        IdentityStore again = open(dir.resolve("identity"), Duration.ofDays(1), (k, v) -> { });
        Identity user = again.get("u:user-r");
        assertThat(user.anonymousId()).isEqualTo("anon-r");
        assertThat(user.providers().at("/meta/fbp").asText()).isEqualTo("fb.r");
    }

    @Test
    void aSecondStoreOnTheSameDirectoryFailsClearly() {
        assertThatThrownBy(() -> open(dir.resolve("identity"), Duration.ofDays(1), (k, v) -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by another Drover")
                .hasMessageContaining("drover.data-dir");
        // The first one still works.
        store.apply("u:still", new Identity("still", null, MAPPER.createObjectNode(), System.currentTimeMillis()));
        assertThat(store.get("u:still")).isNotNull();
    }

    @Test
    void aClosedStoreFindsAndKeepsNothing() throws Exception {
        store.close();
        ObjectNode e = event("{\"type\":\"identify\",\"anonymousId\":\"anon-c\",\"userId\":\"user-c\"}");
        store.see(e, true);
        assertThat(store.get("a:anon-c")).isNull();
    }

    @Test
    void theNewerRecordWinsWhenReadFromTheTopic() {
        store.apply("u:user-8", new Identity("user-8", "anon-new", MAPPER.createObjectNode(), System.currentTimeMillis()));
        store.apply("u:user-8", new Identity("user-8", "anon-old", MAPPER.createObjectNode(), System.currentTimeMillis() - 1000));
        assertThat(store.get("u:user-8").anonymousId()).isEqualTo("anon-new");
    }

    @Test
    void aHotEntryInTheHeapIsNeverOlderThanWhatTheDiskHolds() throws Exception {
        store.apply("u:user-9", new Identity("user-9", "anon-1", MAPPER.createObjectNode(), System.currentTimeMillis() - 2000));
        assertThat(store.get("u:user-9").anonymousId()).isEqualTo("anon-1");   // now kept in the heap too
        // A newer record from the topic (another instance's) replaces it.
        store.apply("u:user-9", new Identity("user-9", "anon-2", MAPPER.createObjectNode(), System.currentTimeMillis() - 1000));
        assertThat(store.get("u:user-9").anonymousId()).isEqualTo("anon-2");
        // So does what this instance learns.
        store.learn(event("{\"type\":\"identify\",\"userId\":\"user-9\",\"anonymousId\":\"anon-3\"}"));
        assertThat(store.get("u:user-9").anonymousId()).isEqualTo("anon-3");
        // And a tombstone (a deletion) from the topic.
        store.db().applyAll(java.util.Collections.singletonList(new IdentityDb.Record("u:user-9", null)), null, null);
        assertThat(store.get("u:user-9")).isNull();
    }

    @Test
    void anEventEnrichedFromAHotEntryDoesNotShareItsVendorIds() throws Exception {
        ObjectNode providers = (ObjectNode) MAPPER.readTree("{\"acme\":{\"ids\":{\"click\":\"c-1\"}}}");
        store.apply("a:anon-h", new Identity(null, "anon-h", providers, System.currentTimeMillis()));
        ObjectNode e = event("{\"type\":\"page\",\"anonymousId\":\"anon-h\"}");
        store.see(e, false);
        assertThat(e.at("/context/providers/acme/ids/click").asText()).isEqualTo("c-1");
        // A later step (a vendor's mapping) changing the event leaves the store's entry as it was.
        ((ObjectNode) e.at("/context/providers/acme/ids")).put("click", "changed");
        assertThat(store.get("a:anon-h").providers().at("/acme/ids/click").asText()).isEqualTo("c-1");
    }

    @Test
    void readsRacingTopicRecordsEndWithTheNewest() throws Exception {
        long base = System.currentTimeMillis() - 60_000;
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                store.get("u:user-r");
            }
        });
        reader.start();
        for (int i = 0; i < 2000; i++) {
            store.apply("u:user-r", new Identity("user-r", "anon-" + i, MAPPER.createObjectNode(), base + i));
        }
        done.set(true);
        reader.join(10_000);
        assertThat(store.get("u:user-r").anonymousId()).isEqualTo("anon-1999");
    }

    private static ObjectNode event(String json) throws Exception {
        return (ObjectNode) MAPPER.readTree(json);
    }

    /**
     * The event loop never reads the disk for an event's own ids: a lookup that only the disk can answer says so
     * (and does nothing), the caller runs it on a worker; once read, the same entry is answered from memory.
     */
    @Test
    void aLookupThatNeedsTheDiskIsRefusedInMemoryAndAnsweredOffTheLoop() throws Exception {
        IdentityStore cold = IdentityStore.open(dir.resolve("cold"), Duration.ofDays(1), 1024 * 1024, 0, null,
                (k, v) -> { });
        opened.add(cold);
        cold.memoryOnlyOnEventLoop(true);
        long now = System.currentTimeMillis();
        java.util.Iterator<java.util.Map.Entry<String, Identity>> entries = java.util.stream.IntStream.range(0, 50_000)
                .mapToObj(i -> java.util.Map.entry(IdentityStore.anonymousKey("anon-" + i), new Identity(null, "anon-" + i,
                        (ObjectNode) MAPPER.createObjectNode().set("meta", MAPPER.createObjectNode().put("fbp", "fb.1." + i)),
                        now)))
                .iterator();
        cold.db().load(entries);   // on disk (flushed), none of it in the block cache

        ObjectNode onLoop = event("""
                {"type":"track","anonymousId":"anon-123","event":"Viewed"}""");
        assertThat(cold.seeFromMemory(onLoop, false)).as("answered from memory").isFalse();
        assertThat(onLoop.has("context")).as("nothing done").isFalse();

        ObjectNode onWorker = event("""
                {"type":"track","anonymousId":"anon-123","event":"Viewed"}""");
        cold.see(onWorker, false);
        assertThat(onWorker.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.123");

        ObjectNode again = event("""
                {"type":"track","anonymousId":"anon-123","event":"Viewed"}""");
        assertThat(cold.seeFromMemory(again, false)).as("read once, then in the block cache").isTrue();
        assertThat(again.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.123");
        // An id the store has never seen, in a memtable-only store: answered from memory (absent).
        ObjectNode fresh = event("""
                {"type":"track","anonymousId":"anon-new","event":"Viewed"}""");
        store.memoryOnlyOnEventLoop(true);
        assertThat(store.seeFromMemory(fresh, false)).isTrue();
        // Off (the default): the event loop reads through the page cache, and is never refused.
        cold.memoryOnlyOnEventLoop(false);
        ObjectNode other = event("""
                {"type":"track","anonymousId":"anon-40000","event":"Viewed"}""");
        assertThat(cold.seeFromMemory(other, false)).isTrue();
        assertThat(other.at("/context/providers/meta/fbp").asText()).isEqualTo("fb.1.40000");
    }
}
