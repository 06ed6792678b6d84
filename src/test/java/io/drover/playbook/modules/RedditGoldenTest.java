package io.drover.playbook.modules;

import java.util.List;
import java.util.Map;

import io.drover.destinations.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * integrations/reddit.yaml, the file as shipped, on each shared event: the exact request (URL with the account id,
 * Bearer token, the v2.0 body of Reddit's documented example: event_at, event_type.tracking_type, user with hashed
 * email, external_id and ip_address, event_metadata) against src/test/resources/golden/reddit/.
 */
public class RedditGoldenTest {

    public static final Map<String, String> SETTINGS = Map.of("reddit.account-id", "t2_abc123", "reddit.access-token",
            "reddit-golden-token");

    /** The module's request bean with these settings, for the transform benchmark. */
    public static org.apache.camel.Processor bean() {
        try {
            return PlaybookModules.bean("reddit", SETTINGS);
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
        GoldenFiles.check("reddit", event, PlaybookModules.requests("reddit", SETTINGS, List.of(GoldenFiles.event(event))));
    }
}
