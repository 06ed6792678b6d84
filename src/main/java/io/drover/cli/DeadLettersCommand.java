package io.drover.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import io.drover.integration.DeadLetterFilter;
import io.drover.integration.DeadLetterReader;

/**
 * {@code drover dead-letters <integration> [--since <time>] [--until <time>] [--status <codes>] [--reason <text>]
 * [--limit <n>] [--bootstrap-servers <host:port>]}: prints the matching dead letters, one JSON object a line, as the
 * admin API lists them (request records left out; a letter names its request by {@code requestId}). Reads Kafka
 * directly, like {@code replay}.
 */
public final class DeadLettersCommand {

    static final String USAGE = "Usage: java -jar drover.jar dead-letters <integration> " + Options.FILTER_USAGE
            + " [--limit N] [--bootstrap-servers host:port]";

    private DeadLettersCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        DeadLetterFilter filter;
        long limit;
        try {
            options = Options.parse(args, "limit");
            filter = options.filter();
            limit = options.values.containsKey("limit") ? Long.parseLong(options.values.get("limit")) : Long.MAX_VALUE;
            if (limit < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("dead-letters: --limit takes a whole number from 1 on");
            err.println(USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("dead-letters: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (DeadLetterReader reader = new DeadLetterReader(options.bootstrapServers(), options.integration,
                Duration.ofSeconds(30))) {
            long[] printed = {0};
            reader.forEach(filter, letter -> {
                out.println(letter.toJson());
                return ++printed[0] < limit;
            });
            out.flush();
            return 0;
        } catch (Exception e) {
            err.println("dead-letters: " + e.getMessage());
            return 1;
        }
    }
}
