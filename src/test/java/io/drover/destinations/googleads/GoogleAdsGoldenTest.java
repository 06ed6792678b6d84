package io.drover.destinations.googleads;

import java.util.List;

import io.drover.destinations.GoldenFiles;
import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Google Ads uploadClickConversions request for each shared event (the module selects only Order Completed; the
 * bean is shown every event to prove what it would do), and for all of them as one batch.
 */
public class GoogleAdsGoldenTest {

    static final String ENDPOINT = "https://googleads.googleapis.com";

    /** The bean with the test settings (also used by the benchmark): enhanced conversions on, to show the hashing. */
    public static Processor bean() {
        GoogleAdsRequest bean = new GoogleAdsRequest();
        bean.setCustomerId("123-456-7890");
        bean.setConversionAction("987654321");
        bean.setDeveloperToken("golden-developer-token");
        bean.setAccessToken("ya29.golden-access-token");
        bean.setLoginCustomerId("111-222-3333");
        bean.setApiVersion("v26");
        bean.setBaseUrl(ENDPOINT);
        bean.setUserIdentifiers(true);
        return bean;
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("google-ads", event, GoldenFiles.requests(bean(), ENDPOINT, "POST", List.of(GoldenFiles.event(event))));
    }

    @Test
    void allSharedEventsAsOneBatch() throws Exception {
        GoldenFiles.check("google-ads", "_batch", GoldenFiles.requests(bean(), ENDPOINT, "POST",
                events().stream().map(GoldenFiles::event).toList()));
    }
}
