package io.drover.playbook.modules;

import java.util.List;
import java.util.Map;

import io.drover.vendor.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * integrations/klaviyo.yaml, the file as shipped, on each shared event: the exact request (Klaviyo-API-Key, revision
 * and JSON:API content type headers, one event per request shaped as Klaviyo's documented Create Event example:
 * data.type event, attributes with properties, time, value, unique_id, metric and profile relationships) against
 * src/test/resources/golden/klaviyo/.
 */
class KlaviyoGoldenTest {

    static final Map<String, String> SETTINGS = Map.of("klaviyo.private-key", "pk_golden_123");

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("klaviyo", event, PlaybookModules.requests("klaviyo", SETTINGS, List.of(GoldenFiles.event(event))));
    }
}
