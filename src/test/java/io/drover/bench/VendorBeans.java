package io.drover.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.drover.vendor.WebhookRequest;
import io.drover.vendor.braze.BrazeGoldenTest;
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

    /** Prints the vendor names, comma-separated, for bench/transforms.sh. */
    public static void main(String[] args) {
        System.out.println(String.join(",", names()));
    }
}
