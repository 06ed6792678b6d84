package io.drover.playbook.modules;

import java.util.List;
import java.util.Map;

import io.drover.destinations.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * integrations/klaviyo.yaml, the file as shipped, on each shared event: the exact request (Klaviyo-API-Key, revision
 * and JSON:API content type headers, one event per request shaped as Klaviyo's documented Create Event example:
 * data.type event, attributes with properties, time, value, unique_id, metric and profile relationships) against
 * src/test/resources/golden/klaviyo/.
 */
public class KlaviyoGoldenTest {

    public static final Map<String, String> SETTINGS = Map.of("klaviyo.private-key", "pk_golden_123");

    /** The module's request bean with these settings, for the transform benchmark. */
    public static org.apache.camel.Processor bean() {
        try {
            return PlaybookModules.bean("klaviyo", SETTINGS);
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
        GoldenFiles.check("klaviyo", event, PlaybookModules.requests("klaviyo", SETTINGS, List.of(GoldenFiles.event(event))));
    }
}
