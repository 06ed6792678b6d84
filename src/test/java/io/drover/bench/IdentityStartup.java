package io.drover.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.drover.DroverServer;
import io.drover.identity.IdentityStore;
import io.drover.identity.IdentityTopic;
import io.drover.testing.FreePorts;

/**
 * Drover's start-up with a large identity store: a whole Drover (embedded broker, loopback ports) on a data
 * directory whose {@code identity/} is a store built by {@link IdentityLookups} (moved in, and back out at the end),
 * started twice: the first start finds no stored offsets and reads the (new, empty) topic from its beginning, the
 * second resumes from the offsets the first stored. Prints the time to a started Drover and the identity service's
 * own line. Run by bench/identity.sh --startup (docs/benchmarks.md, "Identity store at 10 million users").
 */
public final class IdentityStartup {

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]).toAbsolutePath();
        Path dataDir = Files.createTempDirectory("drover-identity-startup-");
        Files.move(store, dataDir.resolve("identity"));
        try {
            for (int run = 1; run <= 2; run++) {
                Map<String, String> settings = new HashMap<>();
                settings.put("drover.data-dir", dataDir.toString());
                settings.put("drover.http.host", "127.0.0.1");
                settings.put("drover.http.port", String.valueOf(FreePorts.next()));
                settings.put("drover.admin.port", String.valueOf(FreePorts.next()));
                settings.put("drover.kafka.embedded.port", String.valueOf(FreePorts.next()));
                settings.put("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next()));
                settings.put("drover.integrations-dir", Files.createDirectories(dataDir.resolve("integrations")).toString());
                settings.put("drover.sources.bench.write-key", "bench-write-key");
                long t0 = System.nanoTime();
                DroverServer drover = new DroverServer(settings).start();
                long started = System.nanoTime();
                IdentityTopic topic = drover.context().hasService(IdentityTopic.class);
                IdentityStore identity = topic.store();
                System.out.printf("start %d: Drover started in %.1f s with ~%,d identity entries (%,d MB); %d records read"
                                + " from the topic at start, %s%n", run, (started - t0) / 1e9, identity.size(),
                        identity.diskBytes() / (1024 * 1024), topic.recordsReadAtStart(),
                        topic.resumedFrom().isEmpty() ? "from its beginning" : "resumed from the stored offsets");
                drover.stop();
            }
        } finally {
            Files.move(dataDir.resolve("identity"), store);
        }
        System.exit(0);
    }
}
