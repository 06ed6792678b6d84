package io.drover.journey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One integration's journeys in this instance: a ring of the latest ones and a ring of failures (retried,
 * dead-lettered or deferred) kept for the failure window, so that a failure is still there after thousands of
 * deliveries; and its funnel. It outlives the integration's consumer (a module reloaded keeps its history).
 */
final class Store {

    final String integration;
    final Ring recent;
    final Ring failures;
    final Funnel funnel = new Funnel();
    private final long failureWindowMillis;
    /** Events of the batch being retried now (0 when none). */
    volatile int retryingNow;

    Store(String integration, int recent, int failures, long failureWindowMillis) {
        this.integration = integration;
        this.recent = new Ring(recent);
        this.failures = new Ring(failures);
        this.failureWindowMillis = failureWindowMillis;
    }

    /** Every journey kept, newest first, each once (a failure is in both rings). */
    List<Journey> all(long now) {
        Set<Journey> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Journey> out = new ArrayList<>();
        for (Journey j : recent.snapshot()) {
            if (seen.add(j)) {
                out.add(j);
            }
        }
        for (Journey j : failures.snapshot()) {
            if (now - j.recordedAt <= failureWindowMillis && seen.add(j)) {
                out.add(j);
            }
        }
        out.sort((a, b) -> Long.compare(b.recordedAt, a.recordedAt));
        return out;
    }
}
