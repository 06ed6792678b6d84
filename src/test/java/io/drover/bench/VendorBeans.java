package io.drover.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.drover.destinations.WebhookRequest;
import io.drover.destinations.amplitude.AmplitudeGoldenTest;
import io.drover.destinations.braze.BrazeGoldenTest;
import io.drover.destinations.ga4.Ga4GoldenTest;
import io.drover.destinations.googleads.GoogleAdsGoldenTest;
import io.drover.destinations.meta.MetaGoldenTest;
import io.drover.destinations.mixpanel.MixpanelGoldenTest;
import io.drover.destinations.pinterest.PinterestGoldenTest;
import io.drover.destinations.snapchat.SnapchatGoldenTest;
import io.drover.destinations.tiktok.TikTokGoldenTest;
import org.apache.camel.Processor;

/**
 * The request beans {@link TransformBenchmark} measures, by vendor name, each built with its golden test's settings.
 * Adding a vendor is one line here: its golden test's public {@code static Processor bean()}.
 */
public final class VendorBeans {

    private static final Map<String, Supplier<Processor>> BEANS = new LinkedHashMap<>();

    static {
        BEANS.put("webhook", VendorBeans::webhook);
        BEANS.put("braze", BrazeGoldenTest::bean);
        BEANS.put("ga4", Ga4GoldenTest::bean);
        BEANS.put("google-ads", GoogleAdsGoldenTest::bean);
        BEANS.put("meta", MetaGoldenTest::bean);
        BEANS.put("tiktok", TikTokGoldenTest::bean);
        BEANS.put("snapchat", SnapchatGoldenTest::bean);
        BEANS.put("pinterest", PinterestGoldenTest::bean);
        BEANS.put("amplitude", AmplitudeGoldenTest::bean);
        BEANS.put("mixpanel", MixpanelGoldenTest::bean);
        // Playbook modules (no Java): the shipped module file's playbook, as the drover-playbook template runs it.
        BEANS.put("reddit", io.drover.playbook.modules.RedditGoldenTest::bean);
        BEANS.put("linkedin", io.drover.playbook.modules.LinkedInGoldenTest::bean);
        BEANS.put("klaviyo", io.drover.playbook.modules.KlaviyoGoldenTest::bean);
        BEANS.put("posthog", io.drover.playbook.modules.PostHogGoldenTest::bean);
        // MetaRouter's TikTok kit run by io.drover.kits (issue 16), beside Drover's Java TikTok module above.
        BEANS.put("tiktok-kit", VendorBeans::tiktokKit);
    }

    private VendorBeans() {
    }

    public static Set<String> names() {
        return BEANS.keySet();
    }

    public static Processor bean(String vendor) {
        Supplier<Processor> bean = BEANS.get(vendor);
        if (bean == null) {
            throw new IllegalArgumentException("no request bean for vendor '" + vendor + "'; known: " + names());
        }
        return bean.get();
    }

    /** WebhookGoldenTest's settings (that test builds its bean inline). */
    private static Processor webhook() {
        WebhookRequest bean = new WebhookRequest();
        bean.setSecret("whsec_golden");
        return bean;
    }

    /** The TikTok starter kit of the npm package pinned in src/test/npm, with TikTokGoldenTest's settings. */
    private static Processor tiktokKit() {
        io.drover.kits.KitRequest bean = new io.drover.kits.KitRequest();
        bean.setKit("npm:tiktok");
        bean.setNpmPackage("src/test/npm/node_modules/@metarouter/ajs-starter-kit");
        bean.setParams("ACCESS_TOKEN: tt_golden_token\nEVENT_SOURCE_ID: CGOLDENPIXEL0001");
        return bean;
    }

    /** Prints the vendor names, comma-separated, for bench/transforms.sh. */
    public static void main(String[] args) {
        System.out.println(String.join(",", names()));
    }
}
