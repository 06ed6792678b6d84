package io.drover.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.drover.integration.DeadLetterFilter;

/**
 * The arguments of the dead-letter commands: one name ({@code <integration>}) and {@code --option value} pairs. The
 * Kafka address defaults to {@code DROVER_KAFKA_BOOTSTRAP_SERVERS}, else the embedded broker's
 * ({@code 127.0.0.1:DROVER_KAFKA_EMBEDDED_PORT}, 9092), so that on one machine a command needs no argument but the
 * integration's name.
 */
final class Options {

    final String integration;
    final Map<String, String> values;

    private Options(String integration, Map<String, String> values) {
        this.integration = integration;
        this.values = values;
    }

    /**
     * @param extra the options taken beside the filter's and {@code --bootstrap-servers}, without their dashes
     * @throws IllegalArgumentException for an unknown option, one without a value, or not exactly one name
     */
    static Options parse(List<String> args, String... extra) {
        Set<String> known = new HashSet<>(DeadLetterFilter.PARAMETERS);
        known.add("bootstrap-servers");
        known.addAll(List.of(extra));
        String integration = null;
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                String name = a.substring(2);
                if (!known.contains(name) || i + 1 >= args.size()) {
                    throw new IllegalArgumentException(known.contains(name) ? a + " needs a value" : "unknown option " + a);
                }
                values.put(name, args.get(++i));
            } else if (integration == null) {
                integration = a;
            } else {
                throw new IllegalArgumentException("one integration at a time, got '" + integration + "' and '" + a + "'");
            }
        }
        if (integration == null) {
            throw new IllegalArgumentException("which integration?");
        }
        return new Options(integration, values);
    }

    DeadLetterFilter filter() {
        return DeadLetterFilter.parse(values::get);
    }

    String bootstrapServers() {
        String given = values.get("bootstrap-servers");
        if (given != null) {
            return given;
        }
        String configured = System.getenv("DROVER_KAFKA_BOOTSTRAP_SERVERS");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String port = System.getenv().getOrDefault("DROVER_KAFKA_EMBEDDED_PORT", "9092");
        return "127.0.0.1:" + port;
    }

    /** The filter's options, for a usage line. */
    static final String FILTER_USAGE = "[--since <ISO-8601 time>] [--until <time>] [--status 400|4xx,...] [--reason <text>]";
}
