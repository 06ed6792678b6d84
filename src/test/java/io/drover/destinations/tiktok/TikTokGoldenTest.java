package io.drover.destinations.tiktok;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The TikTok Events API 2.0 request for each shared event. */
public class TikTokGoldenTest {

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    /** The bean with the test settings (the JMH benchmark reuses it). */
    public static Processor bean() {
        TikTokRequest bean = new TikTokRequest();
        bean.setPixelCode("CGOLDENPIXEL0001");
        bean.setAccessToken("tt_golden_token");
        return bean;
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("tiktok", event, GoldenFiles.requests(bean(),
                "https://business-api.tiktok.com/open_api/v1.3/event/track/", "POST", List.of(GoldenFiles.event(event))));
    }
}
