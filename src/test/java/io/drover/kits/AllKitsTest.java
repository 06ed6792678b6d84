package io.drover.kits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.GoldenFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every one of MetaRouter's 124 starter kits, compiled with its example parameters (OAuth 2 tokens from a stand-in
 * on loopback, a generated key where a kit signs a JWT) and run over every shared
 * Segment-spec fixture event (src/test/resources/events): each kit either runs every event without an error, or is
 * one of the gaps listed here and explained in docs/metarouter.md ("Gaps"). The report, kit by kit, is written to
 * target/kits-report.txt.
 */
class AllKitsTest {

    /** Why a kit does not run on Drover: what its failure says. docs/metarouter.md ("Gaps") explains each. */
    enum Gap {
        STORE("no HTTP request"),
        PROVIDER_AUTH("providerAuth is not supported"),
        NEEDS_PAGE_URL("'Event Category, Action and Host':1 attempt to call nil");

        final String says;

        Gap(String says) {
            this.says = says;
        }
    }

    /** Kits Drover does not run, and why (docs/metarouter.md lists the same). */
    static final Map<String, Gap> GAPS = new TreeMap<>(Map.ofEntries(
            Map.entry("adobe-bdia", Gap.STORE),
            Map.entry("amazon-data-firehose", Gap.STORE),
            Map.entry("amazon-kinesis", Gap.STORE),
            Map.entry("blob", Gap.STORE),
            Map.entry("gcs", Gap.STORE),
            Map.entry("google-ads-audience", Gap.STORE),
            Map.entry("google-analytics", Gap.NEEDS_PAGE_URL),
            Map.entry("google-bigquery-streaming", Gap.STORE),
            Map.entry("google-cm360", Gap.STORE),
            Map.entry("google-pubsub", Gap.STORE),
            Map.entry("iterable", Gap.STORE),
            Map.entry("kafka", Gap.STORE),
            Map.entry("pipeline-router", Gap.STORE),
            Map.entry("rasp", Gap.STORE),
            Map.entry("s3", Gap.STORE),
            Map.entry("salesforce-cdp", Gap.PROVIDER_AUTH),
            Map.entry("snowflake", Gap.STORE),
            Map.entry("snowflake-streaming", Gap.STORE),
            Map.entry("stdout", Gap.STORE),
            Map.entry("thetradedesk-conversion-events", Gap.PROVIDER_AUTH),
            Map.entry("thetradedesk-data-advertiser-firstparty", Gap.PROVIDER_AUTH),
            Map.entry("verizon-media", Gap.PROVIDER_AUTH)
    ));

    /** Parameters the kits' Lua takes as code (unquoted): their examples are words, a user gives a number. */
    static final Map<String, Map<String, String>> NUMERIC_PARAMS = Map.of(
            "commission-junction", Map.of("ACTION_TRACKER_ID", "456789"));

    @BeforeAll
    static void installed() {
        StarterKits.assumeInstalled();
    }

    @Test
    void everyKitRunsEveryFixtureOrIsAListedGap() throws Exception {
        List<ObjectNode> events = GoldenFiles.eventNames().stream().map(GoldenFiles::event).toList();
        Map<String, String> failures = new TreeMap<>();
        StringBuilder report = new StringBuilder();
        int clean = 0;
        List<String> kits = StarterKits.names();
        for (String name : kits) {
            String failure = null;
            int requests = 0;
            int dropped = 0;
            try {
                Kit kit = StarterKits.kit(name);
                Map<String, String> params = new java.util.HashMap<>(StarterKits.exampleParams(kit));
                params.putAll(NUMERIC_PARAMS.getOrDefault(name, Map.of()));
                if (params.containsKey("PRIVATE_KEY")) {
                    // A service account's key: its example is a word, a real one is a PEM the JWT is signed with.
                    params.put("PRIVATE_KEY", StarterKits.privateKeyPem());
                }
                KitRequest.Compiled c = StarterKits.compile(name, params);
                Batch batch = new Batch();
                List<VendorRequest> out = new ArrayList<>();
                for (ObjectNode e : events) {
                    out.addAll(StarterKits.requests(c, batch, List.of(e)));
                }
                requests = out.size();
                if (!batch.rejectionReasons().isEmpty()) {
                    failure = String.join("; ", new java.util.TreeSet<>(batch.rejectionReasons().values()));
                }
            } catch (RuntimeException e) {
                failure = "does not compile: " + e.getMessage();
            }
            if (failure == null) {
                clean++;
                report.append("ok    ").append(name).append(": ").append(requests).append(" requests for ")
                        .append(events.size()).append(" events\n");
            } else {
                failures.put(name, failure);
                report.append("FAIL  ").append(name).append(": ").append(failure).append('\n');
            }
        }
        report.insert(0, clean + " of " + kits.size() + " kits run every fixture event with no error\n");
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/kits-report.txt"), report);
        System.out.println(report);
        assertThat(kits).hasSize(124);
        assertThat(failures.keySet()).as("kits that fail and are not a listed gap, or a gap that now runs")
                .containsExactlyInAnyOrderElementsOf(GAPS.keySet());
        failures.forEach((kit, failure) -> assertThat(failure).as(kit).contains(GAPS.get(kit).says));
        assertThat(clean).isEqualTo(kits.size() - GAPS.size());
    }
}
