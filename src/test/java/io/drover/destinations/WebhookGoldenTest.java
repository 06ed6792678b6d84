package io.drover.destinations;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped webhook's request for each shared event (one event per request, signed). */
class WebhookGoldenTest {

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        WebhookRequest bean = new WebhookRequest();
        bean.setSecret("whsec_golden");
        GoldenFiles.check("webhook", event,
                GoldenFiles.requests(bean, "https://hooks.example/drover", "POST", List.of(GoldenFiles.event(event))));
    }
}
