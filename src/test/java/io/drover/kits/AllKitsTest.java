package io.drover.kits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.Batch;
import io.drover.integration.VendorRequest;
import io.drover.vendor.GoldenFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every one of MetaRouter's 124 starter kits, compiled with its example parameters and run over every shared
 * Segment-spec fixture event (src/test/resources/events): each kit either runs every event without an error, or is
 * one of the gaps listed here and explained in docs/metarouter.md ("Gaps"). The report, kit by kit, is written to
 * target/kits-report.txt.
 */
class AllKitsTest {

    /** Kits Drover does not run, and why (docs/metarouter.md says the same). */
    static final Map<String, String> GAPS = new TreeMap<>(Map.ofEntries(
    ));

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
                KitRequest.Compiled c = StarterKits.compile(name, StarterKits.exampleParams(kit));
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
        assertThat(failures.keySet()).as("kits that fail and are not a listed gap")
                .containsExactlyInAnyOrderElementsOf(GAPS.keySet());
    }
}
