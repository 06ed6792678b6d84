package io.drover.destinations.pinterest;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pinterest's Conversions API request for each shared event (one event per request). */
public class PinterestGoldenTest {

    /** The bean with the test settings (also used by the benchmark). */
    public static Processor bean() {
        PinterestRequest bean = new PinterestRequest();
        bean.setAdAccountId("549755885175");
        bean.setAccessToken("pina_golden_token");
        bean.setBaseUrl("https://api.pinterest.com");
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("pinterest", event,
                GoldenFiles.requests(bean(), "https://api.pinterest.com", "POST", List.of(GoldenFiles.event(event))));
    }
}
