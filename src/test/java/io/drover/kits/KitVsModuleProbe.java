package io.drover.kits;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KitVsModuleProbe {
    @Test
    void probe() throws Exception {
        StarterKits.assumeInstalled();
        String[][] pairs = {{"facebook-pixel", "meta"}, {"google-analytics-4", "ga4"}, {"pinterest-capi", "pinterest"},
            {"snapchat-capi", "snapchat"}, {"amplitude", "amplitude"}, {"mixpanel", "mixpanel"}, {"braze", "braze"},
            {"tiktok", "tiktok"}};
        for (String[] p : pairs) {
            try {
                Kit kit = StarterKits.kit(p[0]);
                KitVsModule.report(p[0], p[1], KitVsModule.differences(p[0], StarterKits.exampleParams(kit), p[1]));
            } catch (Exception e) {
                System.out.println(p[0] + ": " + e);
            }
        }
    }
}
