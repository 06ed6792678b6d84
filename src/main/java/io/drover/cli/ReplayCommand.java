package io.drover.cli;

import java.io.PrintStream;
import java.util.List;

import io.drover.integration.DeadLetterFilter;
import io.drover.integration.Replay;

/**
 * {@code drover replay <integration> [--since <time>] [--until <time>] [--status <codes>] [--reason <text>]
 * [--bootstrap-servers <host:port>]}: sends the matching dead letters back through the integration (see
 * {@link DeadLetterFilter}; {@link Options} for the Kafka address).
 */
public final class ReplayCommand {

    static final String USAGE = "Usage: java -jar drover.jar replay <integration> " + Options.FILTER_USAGE
            + " [--bootstrap-servers host:port]";

    private ReplayCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        DeadLetterFilter filter;
        try {
            options = Options.parse(args);
            filter = options.filter();
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            int n = Replay.run(options.bootstrapServers(), options.integration, filter);
            out.printf("Replayed %d dead letters of %s (they go through the integration again; failures return to %s)%n",
                    n, options.integration, "drover.dlq." + options.integration);
            return 0;
        } catch (Exception e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
    }
}
