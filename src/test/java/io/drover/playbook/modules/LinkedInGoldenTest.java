package io.drover.playbook.modules;

import java.util.List;
import java.util.Map;

import io.drover.destinations.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * integrations/linkedin.yaml, the file as shipped, on each shared event: the exact request (BATCH_CREATE with the
 * versioned headers, elements shaped as LinkedIn's documented example: conversion urn, conversionHappenedAt in ms,
 * conversionValue with the amount as text, user.userIds of idType/idValue, userInfo) against
 * src/test/resources/golden/linkedin/; only Order Completed is sent by default.
 */
public class LinkedInGoldenTest {

    public static final Map<String, String> SETTINGS = Map.of("linkedin.conversion-id", "104012", "linkedin.access-token",
            "linkedin-golden-token");

    /** The module's request bean with these settings, for the transform benchmark. */
    public static org.apache.camel.Processor bean() {
        try {
            return PlaybookModules.bean("linkedin", SETTINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> events() {
        return GoldenFiles.eventNames();
    }

    @ParameterizedTest
    @MethodSource("events")
    void request(String event) throws Exception {
        GoldenFiles.check("linkedin", event, PlaybookModules.requests("linkedin", SETTINGS, List.of(GoldenFiles.event(event))));
    }
}
