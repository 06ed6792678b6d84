package io.drover.destinations.braze;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Braze's /users/track request for each shared event, and for all of them as one batch. */
public class BrazeGoldenTest {

    public static final String BASE_URL = "https://rest.iad-01.braze.com";

    /** The bean with the test settings (also measured by the JMH transform benchmark). */
    public static Processor bean() {
        BrazeRequest bean = new BrazeRequest();
        bean.setBaseUrl(BASE_URL);
        bean.setApiKey("braze-golden-key");
        bean.setAppId("app-golden");
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("braze", event,
                GoldenFiles.requests(bean(), BASE_URL + "/users/track", "POST", List.of(GoldenFiles.event(event))));
    }

    @Test
    void allSharedEventsAsOneBatch() throws Exception {
        List<ObjectNode> all = events().stream().map(GoldenFiles::event).toList();
        GoldenFiles.check("braze", "_batch", GoldenFiles.requests(bean(), BASE_URL + "/users/track", "POST", all));
    }
}
