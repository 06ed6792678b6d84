package io.drover.playbook.modules;

import java.util.List;
import java.util.Map;

import io.drover.destinations.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * integrations/posthog.yaml, the file as shipped, on each shared event: the exact request to /batch/ (the project API
 * key in the body, as PostHog's documented batch example: api_key and batch of events with event, distinct_id,
 * properties, timestamp) against src/test/resources/golden/posthog/.
 */
public class PostHogGoldenTest {

    public static final Map<String, String> SETTINGS = Map.of("posthog.api-key", "phc_golden_123");

    /** The module's request bean with these settings, for the transform benchmark. */
    public static org.apache.camel.Processor bean() {
        try {
            return PlaybookModules.bean("posthog", SETTINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("posthog", event, PlaybookModules.requests("posthog", SETTINGS, List.of(GoldenFiles.event(event))));
    }
}
