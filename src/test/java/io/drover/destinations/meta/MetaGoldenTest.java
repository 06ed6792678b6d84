package io.drover.destinations.meta;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Meta Conversions API request for each shared event. */
public class MetaGoldenTest {

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    /** The bean with the test settings (the JMH benchmark reuses it). */
    public static Processor bean() {
        MetaRequest bean = new MetaRequest();
        bean.setPixelId("1234567890");
        bean.setAccessToken("EAAB_golden_token");
        bean.setApiVersion("v26.0");
        // action_source as the module sets it: auto (website for an event with its page URL, else other)
        return bean;
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("meta", event, GoldenFiles.requests(bean(),
                "https://graph.facebook.com/v26.0/1234567890/events", "POST", List.of(GoldenFiles.event(event))));
    }
}
