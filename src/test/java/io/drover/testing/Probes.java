package io.drover.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

/**
 * Sends a probe every half second until one of them arrives (any: an early one may arrive after a later one was sent).
 *
 * <p>Not needed to find out whether a module reads: its consumer starts at the first event acknowledged since it was
 * loaded, so wait on the load ({@link Modules}) or on readiness instead. Only DiskFullTest still uses it.
 */
public final class Probes {

    /** Sends one probe and returns what identifies it. */
    @FunctionalInterface
    public interface Sender {
        String send() throws Exception;
    }

    /** Whether the probe so identified has arrived. */
    @FunctionalInterface
    public interface Arrival {
        boolean arrived(String probe) throws Exception;
    }

    private Probes() {
    }

    public static void untilOneArrives(Sender sender, Arrival arrival) {
        untilOneArrives(Duration.ofSeconds(30), sender, arrival);
    }

    public static void untilOneArrives(Duration atMost, Sender sender, Arrival arrival) {
        List<String> probes = new ArrayList<>();
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            probes.add(sender.send());
            for (String p : probes) {
                if (arrival.arrived(p)) {
                    return true;
                }
            }
            return false;
        });
    }
}
