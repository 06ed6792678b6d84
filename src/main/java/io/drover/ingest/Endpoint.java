package io.drover.ingest;

import java.util.HashMap;
import java.util.Map;

/** The ingestion paths and what each one takes: analytics.js's short paths are aliases of the long ones. */
enum Endpoint {
    TRACK("track"), IDENTIFY("identify"), PAGE("page"), SCREEN("screen"), GROUP("group"), ALIAS("alias"),
    BATCH(null), CLIENT_METRICS(null);

    private static final Map<String, Endpoint> BY_PATH = new HashMap<>();

    static {
        for (Endpoint e : new Endpoint[] {TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS}) {
            BY_PATH.put("/v1/" + e.type, e);
            BY_PATH.put("/v1/" + e.type.charAt(0), e);
        }
        BY_PATH.put("/v1/batch", BATCH);
        BY_PATH.put("/v1/import", BATCH);
        BY_PATH.put("/v1/b", BATCH);
        BY_PATH.put("/v1/m", CLIENT_METRICS);
    }

    /** The message type this path forces, or null for a batch (each item says its own). */
    final String type;

    Endpoint(String type) {
        this.type = type;
    }

    boolean isBatch() {
        return this == BATCH;
    }

    /** RudderStack's beacon transport posts its batches here ({@code /beacon/v1/batch?writeKey=...}). */
    static final String BEACON_PREFIX = "/beacon";

    /**
     * Finds the endpoint of a path, with or without a trailing slash (analytics-java posts to /v1/import/), and with
     * or without the beacon prefix.
     */
    static Endpoint of(String path) {
        if (path.startsWith(BEACON_PREFIX + "/v1/")) {
            path = path.substring(BEACON_PREFIX.length());
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return BY_PATH.get(path);
    }
}
