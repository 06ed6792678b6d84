package io.drover.destinations.amplitude;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Amplitude's HTTP V2 request for each shared event. */
public class AmplitudeGoldenTest {

    static final String ENDPOINT = "https://api2.amplitude.com/2/httpapi";

    /** The bean with the test settings (also used by the benchmark). */
    public static Processor bean() {
        AmplitudeRequest bean = new AmplitudeRequest();
        bean.setApiKey("amp_golden_api_key");
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("amplitude", event,
                GoldenFiles.requests(bean(), ENDPOINT, "POST", List.of(GoldenFiles.event(event))));
    }
}
