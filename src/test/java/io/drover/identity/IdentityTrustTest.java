package io.drover.identity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.BACKEND_KEY;
import static io.drover.testing.TestDrover.TRUSTING_KEY;
import static io.drover.testing.TestDrover.WEB_KEY;
import static io.drover.testing.TestDrover.WEB_ORIGIN;
import static io.drover.testing.TestDrover.WEB_USER_HASH_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whom the identity store believes (docs/security.md, section 2), end to end: real HTTP on Drover's port, events read
 * back from drover.events and from the stand-in vendor behind the shipped webhook module. The backend source is
 * server-side (its write key is secret): trusted. The web source is a browser source (its key is in every page): a
 * userId it sends is believed only with the right {@code context.userHash}. The trusting source opted out of that.
 */
class IdentityTrustTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final String VICTIM_FBP = "fb.1.1732780800000.1111";
    private static final String VICTIM_FBC = "fb.1.1732780800000.victim-click";
    private static final String ATTACKER_FBP = "fb.1.1732780800000.6666";
    private static final String ATTACKER_FBC = "fb.1.1732780800000.attacker-click";
    private static TopicReader invalid;

    @BeforeAll
    static void readFailedEvents() {
        invalid = new TopicReader(drover.server.bootstrapServers(), "drover.invalid");
    }

    @AfterAll
    static void close() throws InterruptedException {
        invalid.close();
    }

    /** The audit's attack: the victim's later purchase must reach the vendor with the victim's ids, not the attacker's. */
    @Test
    void anAttackerOnTheBrowserSourceCannotHijackTheVictimsAttribution() throws Exception {
        Ids ids = new Ids();
        victimLogsIn(ids);

        // The attacker, on the shop's page (the write key is public), claims the victim's userId: the audit's identify,
        // then the rest of the class: any event carrying both ids, and an alias from the attacker's anonymous id.
        String claim = id();
        Http.Response identify = browser(WEB_KEY, "/v1/identify", """
                {"userId":"%s","anonymousId":"%s","messageId":"%s","traits":{"email":"attacker@example.com"},
                 "context":{"providers":{"meta":{"fbp":"%s","fbc":"%s"}}}}"""
                .formatted(ids.victim, ids.attackerAnon, claim, ATTACKER_FBP, ATTACKER_FBC));
        assertThat(identify.status()).isEqualTo(200);
        assertThat(String.valueOf(identify.header("set-cookie"))).doesNotContain(ids.victimAnon);
        Http.Response more = browser(WEB_KEY, "/v1/batch", """
                {"batch":[{"type":"track","event":"Viewed","userId":"%1$s","anonymousId":"%2$s",
                  "context":{"providers":{"meta":{"fbp":"%3$s","fbc":"%4$s"}}}},
                 {"type":"alias","userId":"%1$s","previousId":"%2$s"}]}"""
                .formatted(ids.victim, ids.attackerAnon, ATTACKER_FBP, ATTACKER_FBC));
        assertThat(more.status()).isEqualTo(200);
        // Not an error: the attacker's own event is stored as sent, its claim is only not believed.
        JsonNode claimed = drover.topic.await(claim).value();
        assertThat(claimed.get("userId").asText()).isEqualTo(ids.victim);
        assertThat(claimed.at("/context/providers/meta/fbp").asText()).isEqualTo(ATTACKER_FBP);

        // The victim's purchase, from the order system: only the userId.
        String purchase = id();
        assertThat(server("/v1/track", """
                {"userId":"%s","event":"Order Completed","messageId":"%s","properties":{"revenue":99,"currency":"EUR"}}"""
                .formatted(ids.victim, purchase)).status()).isEqualTo(200);
        JsonNode stored = drover.topic.await(purchase).value();
        assertCarriesTheVictimsIds(stored, ids);
        // As the vendor receives it (the webhook module posts each event as stored).
        JsonNode delivered = MAPPER.readTree(awaitDelivery(purchase).getBodyAsString());
        assertCarriesTheVictimsIds(delivered, ids);

        // The store: the victim's user is still linked to the victim's browser, the attacker's browser to nobody.
        IdentityStore store = store();
        assertThat(store.get(IdentityStore.userKey(ids.victim)).anonymousId()).isEqualTo(ids.victimAnon);
        assertThat(store.get(IdentityStore.userKey(ids.victim)).providers().toString()).doesNotContain(ATTACKER_FBP);
        assertThat(store.get(IdentityStore.anonymousKey(ids.attackerAnon)).userId()).isNull();
    }

    @Test
    void aBrowserEventWithOnlyAVictimsUserIdGetsNothingOfTheVictims() {
        Ids ids = new Ids();
        victimLogsIn(ids);
        String track = id();
        Http.Response r = browser(WEB_KEY, "/v1/track", "{\"userId\":\"%s\",\"event\":\"Viewed\",\"messageId\":\"%s\"}"
                .formatted(ids.victim, track));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("set-cookie")).as("the request carried no anonymous id").isNull();
        JsonNode stored = drover.topic.await(track).value();
        assertThat(stored.has("anonymousId")).isFalse();
        assertThat(stored.at("/context/providers").isMissingNode()).isTrue();

        // The victim's own browser, with only its anonymous id, still gets its own vendor ids, but not the userId:
        // a browser event is enriched by the id the browser holds, and no userId is added to it.
        String page = id();
        Http.Response own = browser(WEB_KEY, "/v1/page", "{\"anonymousId\":\"%s\",\"name\":\"Home\",\"messageId\":\"%s\"}"
                .formatted(ids.victimAnon, page));
        assertThat(own.status()).isEqualTo(200);
        JsonNode ownStored = drover.topic.await(page).value();
        assertThat(ownStored.at("/context/providers/meta/fbp").asText()).isEqualTo(VICTIM_FBP);
        assertThat(ownStored.has("userId")).isFalse();
    }

    @Test
    void aBrowserIdentifyWithTheRightUserHashLinksAndAWrongOneDoesNot() throws Exception {
        double wrongBefore = unverified("web", "wrong");
        String run = id();
        // Verified: the shop's backend computed the hash at login and the page passed it.
        String user = "user-" + run;
        String anon = "anon-" + run;
        assertThat(browser(WEB_KEY, "/v1/page", """
                {"anonymousId":"%s","context":{"providers":{"meta":{"fbp":"%s"}}}}""".formatted(anon, VICTIM_FBP))
                .status()).isEqualTo(200);
        String verified = id();
        String hash = hmac(WEB_USER_HASH_SECRET, user);
        assertThat(browser(WEB_KEY, "/v1/identify", """
                {"userId":"%s","anonymousId":"%s","messageId":"%s",
                 "context":{"userHash":"%s","providers":{"meta":{"fbc":"%s"}}}}"""
                .formatted(user, anon, verified, hash, VICTIM_FBC)).status()).isEqualTo(200);
        TopicReader.Event identify = drover.topic.await(verified);
        assertThat(identify.value().get("context").has("userHash")).isFalse();
        assertThat(new String(identify.raw(), StandardCharsets.UTF_8)).doesNotContain(hash);
        String order = id();
        server("/v1/track", "{\"userId\":\"%s\",\"event\":\"Order Completed\",\"messageId\":\"%s\"}".formatted(user, order));
        JsonNode linked = drover.topic.await(order).value();
        assertThat(linked.get("anonymousId").asText()).isEqualTo(anon);
        assertThat(linked.at("/context/providers/meta/fbp").asText()).isEqualTo(VICTIM_FBP);
        assertThat(linked.at("/context/providers/meta/fbc").asText()).isEqualTo(VICTIM_FBC);

        // Wrong: another user's (valid) hash, for this userId.
        String other = "other-" + run;
        String otherAnon = "anon-other-" + run;
        String unverified = id();
        assertThat(browser(WEB_KEY, "/v1/identify", """
                {"userId":"%s","anonymousId":"%s","messageId":"%s",
                 "context":{"userHash":"%s","providers":{"meta":{"fbp":"%s"}}}}"""
                .formatted(other, otherAnon, unverified, hash, ATTACKER_FBP)).status()).isEqualTo(200);
        JsonNode refused = drover.topic.await(unverified).value();
        assertThat(refused.get("context").has("userHash")).as("stripped, right or wrong").isFalse();
        assertThat(refused.get("userId").asText()).as("stored as sent").isEqualTo(other);
        String otherOrder = id();
        server("/v1/track", "{\"userId\":\"%s\",\"event\":\"Order Completed\",\"messageId\":\"%s\"}"
                .formatted(other, otherOrder));
        JsonNode notLinked = drover.topic.await(otherOrder).value();
        assertThat(notLinked.has("anonymousId")).isFalse();
        assertThat(notLinked.at("/context/providers").isMissingNode()).isTrue();
        assertThat(unverified("web", "wrong")).isGreaterThan(wrongBefore);
    }

    @Test
    void aBatchContextUserHashProvesEveryMessageAndIsKeptInNoTopic() {
        String run = id();
        String user = "user-" + run;
        String anon = "anon-" + run;
        String hash = hmac(WEB_USER_HASH_SECRET, user);
        String first = id();
        String second = id();
        // The hash in the batch's context, copied into each message; the third message is invalid (no event name).
        Http.Response r = browser(WEB_KEY, "/v1/batch", """
                {"context":{"userHash":"%1$s"},"batch":[
                  {"type":"identify","userId":"%2$s","anonymousId":"%3$s","messageId":"%4$s",
                   "context":{"providers":{"meta":{"fbp":"%6$s"}}}},
                  {"type":"track","event":"Signed Up","userId":"%2$s","anonymousId":"%3$s","messageId":"%5$s"},
                  {"type":"track","userId":"%2$s","context":{"userHash":"%1$s","marker":"%7$s"}}]}"""
                .formatted(hash, user, anon, first, second, VICTIM_FBP, run));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("rejected")).hasSize(1);
        for (String id : List.of(first, second)) {
            TopicReader.Event e = drover.topic.await(id);
            assertThat(new String(e.raw(), StandardCharsets.UTF_8)).as(id).doesNotContain(hash).doesNotContain("userHash");
        }
        Awaitility.await("the invalid message in drover.invalid").atMost(Duration.ofSeconds(30))
                .until(() -> !invalid.where(e -> new String(e.raw(), StandardCharsets.UTF_8).contains(run)).isEmpty());
        for (TopicReader.Event e : invalid.where(e -> new String(e.raw(), StandardCharsets.UTF_8).contains(run))) {
            assertThat(new String(e.raw(), StandardCharsets.UTF_8)).doesNotContain(hash);
        }
        String order = id();
        server("/v1/track", "{\"userId\":\"%s\",\"event\":\"Order Completed\",\"messageId\":\"%s\"}".formatted(user, order));
        JsonNode linked = drover.topic.await(order).value();
        assertThat(linked.get("anonymousId").asText()).isEqualTo(anon);
        assertThat(linked.at("/context/providers/meta/fbp").asText()).isEqualTo(VICTIM_FBP);
    }

    /** The unsafe opt-out: a source with trust-user-ids=true believes what its browsers claim, as Drover once did. */
    @Test
    void trustUserIdsBelievesTheClaimsThatABrowserSourceIgnoresByDefault() throws Exception {
        // By default (the web source), the claim is ignored.
        Ids safe = new Ids();
        victimLogsIn(safe);
        browser(WEB_KEY, "/v1/identify", """
                {"userId":"%s","anonymousId":"%s","context":{"providers":{"meta":{"fbp":"%s","fbc":"%s"}}}}"""
                .formatted(safe.victim, safe.attackerAnon, ATTACKER_FBP, ATTACKER_FBC));
        String safeOrder = id();
        server("/v1/track", "{\"userId\":\"%s\",\"event\":\"Order Completed\",\"messageId\":\"%s\"}"
                .formatted(safe.victim, safeOrder));
        assertCarriesTheVictimsIds(drover.topic.await(safeOrder).value(), safe);

        // With trust-user-ids, the same identify links: the victim's purchase now carries the claimant's ids.
        Ids open = new Ids();
        victimLogsIn(open);
        String claim = id();
        Http.Response identify = browser(TRUSTING_KEY, "/v1/identify", """
                {"userId":"%s","anonymousId":"%s","messageId":"%s","context":{"providers":{"meta":{"fbp":"%s","fbc":"%s"}}}}"""
                .formatted(open.victim, open.attackerAnon, claim, ATTACKER_FBP, ATTACKER_FBC));
        assertThat(identify.status()).isEqualTo(200);
        String order = id();
        server("/v1/track", "{\"userId\":\"%s\",\"event\":\"Order Completed\",\"messageId\":\"%s\"}"
                .formatted(open.victim, order));
        JsonNode hijacked = drover.topic.await(order).value();
        assertThat(hijacked.get("anonymousId").asText()).isEqualTo(open.attackerAnon);
        assertThat(hijacked.at("/context/providers/meta/fbp").asText()).isEqualTo(ATTACKER_FBP);
        assertThat(hijacked.at("/context/providers/meta/fbc").asText()).isEqualTo(ATTACKER_FBC);
        // And a browser event with only a userId is enriched from it, as any trusted one; the answer still reveals
        // no id the request did not carry.
        String track = id();
        Http.Response userOnly = browser(TRUSTING_KEY, "/v1/track", "{\"userId\":\"%s\",\"event\":\"Viewed\",\"messageId\":\"%s\"}"
                .formatted(open.victim, track));
        assertThat(userOnly.header("set-cookie")).isNull();
        assertThat(drover.topic.await(track).value().get("anonymousId").asText()).isEqualTo(open.attackerAnon);
    }

    /** A victim, its browser, an attacker's browser; the victim logged in (the backend knows the browser's ids). */
    private static final class Ids {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String victim = "victim-" + run;
        final String victimAnon = "anon-victim-" + run;
        final String attackerAnon = "anon-attacker-" + run;
    }

    /** A trusted link: the site's backend sends the login with the browser's ajs_anonymous_id and fbp/fbc. */
    private static void victimLogsIn(Ids ids) {
        String login = id();
        assertThat(server("/v1/identify", """
                {"userId":"%s","anonymousId":"%s","messageId":"%s","context":{"providers":{"meta":{"fbp":"%s","fbc":"%s"}}}}"""
                .formatted(ids.victim, ids.victimAnon, login, VICTIM_FBP, VICTIM_FBC)).status()).isEqualTo(200);
        drover.topic.await(login);
    }

    private static void assertCarriesTheVictimsIds(JsonNode event, Ids ids) {
        assertThat(event.get("userId").asText()).isEqualTo(ids.victim);
        assertThat(event.get("anonymousId").asText()).isEqualTo(ids.victimAnon);
        assertThat(event.at("/context/providers/meta/fbp").asText()).isEqualTo(VICTIM_FBP);
        assertThat(event.at("/context/providers/meta/fbc").asText()).isEqualTo(VICTIM_FBC);
        assertThat(event.toString()).doesNotContain(ATTACKER_FBP).doesNotContain(ATTACKER_FBC)
                .doesNotContain(ids.attackerAnon);
    }

    private static LoggedRequest awaitDelivery(String messageId) {
        return Awaitility.await("the webhook delivers " + messageId).atMost(Duration.ofSeconds(30))
                .until(() -> drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook"))
                        .withRequestBody(containing(messageId))), l -> !l.isEmpty()).get(0);
    }

    private static Http.Response server(String path, String body) {
        return Http.post(drover.url(path), body, "Authorization", Http.basic(BACKEND_KEY));
    }

    private static Http.Response browser(String key, String path, String body) {
        return Http.post(drover.url(path), body, "Authorization", Http.basic(key), "Origin", WEB_ORIGIN,
                "Content-Type", "text/plain");
    }

    private static IdentityStore store() {
        return drover.server.context().hasService(IdentityTopic.class).store();
    }

    /** drover_identity_unverified_user_ids_total of a source and reason (0 before the first). */
    private static double unverified(String source, String reason) {
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        Matcher m = Pattern.compile("(?m)^drover_identity_unverified_user_ids_total\\{reason=\"" + reason
                + "\",source=\"" + source + "\",?} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** What the site's backend computes at login (independently of Drover's UserHash). */
    private static String hmac(String secret, String userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
