package io.drover.destinations.mixpanel;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Mixpanel's /import or /engage request for each shared event. */
public class MixpanelGoldenTest {

    static final String ENDPOINT = "https://api.mixpanel.com/import?strict=1&project_id=3141592";

    /** The bean with the test settings (also used by the benchmark). */
    public static Processor bean() {
        MixpanelRequest bean = new MixpanelRequest();
        bean.setBaseUrl("https://api.mixpanel.com");
        bean.setProjectId("3141592");
        bean.setProjectToken("mp_golden_token");
        bean.setServiceAccountUsername("drover.golden.sa");
        bean.setServiceAccountSecret("sa_golden_secret");
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("mixpanel", event,
                GoldenFiles.requests(bean(), ENDPOINT, "POST", List.of(GoldenFiles.event(event))));
    }
}
