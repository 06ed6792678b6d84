package io.drover.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

import io.drover.integration.Replay;

/**
 * {@code drover replay <integration> [--since <time>] [--bootstrap-servers <host:port>]}. The Kafka address defaults
 * to {@code DROVER_KAFKA_BOOTSTRAP_SERVERS}, else the embedded broker's ({@code 127.0.0.1:DROVER_KAFKA_EMBEDDED_PORT},
 * 9092), so that on one machine the command needs no argument but the integration's name.
 */
public final class ReplayCommand {

    private ReplayCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String integration = null;
        Instant since = null;
        String bootstrap = defaultBootstrap();
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--since" -> since = Instant.parse(args.get(++i));
                    case "--bootstrap-servers" -> bootstrap = args.get(++i);
                    default -> integration = args.get(i);
                }
            }
        } catch (RuntimeException e) {
            integration = null;
        }
        if (integration == null) {
            err.println("Usage: java -jar drover.jar replay <integration> [--since 2026-11-28T10:00:00Z]"
                    + " [--bootstrap-servers host:port]");
            return 2;
        }
        try {
            int n = Replay.run(bootstrap, integration, since);
            out.printf("Replayed %d dead letters of %s (they go through the integration again; failures return to %s)%n",
                    n, integration, "drover.dlq." + integration);
            return 0;
        } catch (Exception e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
    }

    private static String defaultBootstrap() {
        String configured = System.getenv("DROVER_KAFKA_BOOTSTRAP_SERVERS");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String port = System.getenv().getOrDefault("DROVER_KAFKA_EMBEDDED_PORT", "9092");
        return "127.0.0.1:" + port;
    }
}
