package io.drover.destinations.ga4;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The GA4 Measurement Protocol request for each shared event, and for all of them as one batch. */
public class Ga4GoldenTest {

    static final String ENDPOINT = "https://www.google-analytics.com/mp/collect";

    /** The bean with the test settings (also used by the benchmark). */
    public static Processor bean() {
        Ga4Request bean = new Ga4Request();
        bean.setMeasurementId("G-GOLDEN123");
        bean.setApiSecret("golden-api-secret");
        bean.setBaseUrl("https://www.google-analytics.com");
        bean.setDebug(false);
        bean.setUserProperties("plan");
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("ga4", event, GoldenFiles.requests(bean(), ENDPOINT, "POST", List.of(GoldenFiles.event(event))));
    }

    @Test
    void allSharedEventsAsOneBatch() throws Exception {
        GoldenFiles.check("ga4", "_batch", GoldenFiles.requests(bean(), ENDPOINT, "POST",
                events().stream().map(GoldenFiles::event).toList()));
    }
}
