package io.drover.destinations.snapchat;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Snap's Conversions API v3 request for each shared event (one event per request). */
public class SnapchatGoldenTest {

    /** The bean with the test settings (also used by the benchmark). */
    public static Processor bean() {
        SnapchatRequest bean = new SnapchatRequest();
        bean.setPixelId("c0ffee00-1234-4abc-9def-000000000042");
        bean.setAccessToken("snap_golden_token");
        bean.setBaseUrl("https://tr.snapchat.com");
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("snapchat", event,
                GoldenFiles.requests(bean(), "https://tr.snapchat.com", "POST", List.of(GoldenFiles.event(event))));
    }
}
