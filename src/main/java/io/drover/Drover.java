package io.drover;

import java.util.List;
import java.util.Map;

import io.drover.cli.DeadLettersCommand;
import io.drover.cli.EventsCommand;
import io.drover.cli.ModuleTestCommand;
import io.drover.cli.PlaybookTest;
import io.drover.cli.ReplayCommand;

import org.slf4j.LoggerFactory;

/** Drover's command line: {@code java -jar drover.jar [run]}. */
public final class Drover {

    private Drover() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        switch (command) {
            case "run" -> {
                try {
                    new DroverServer(Map.of()).run();
                } catch (Exception e) {
                    LoggerFactory.getLogger(Drover.class).error("Drover could not start: {}", e.getMessage(), e);
                    // Threads of a half-started broker or HTTP server must not keep a failed process alive.
                    System.exit(1);
                }
            }
            case "module" -> System.exit(ModuleTestCommand.run(List.of(args).subList(1, args.length), System.out,
                    System.err));
            case "playbook-test" -> System.exit(PlaybookTest.run(List.of(args).subList(1, args.length), System.out, System.err));
            case "replay" -> System.exit(ReplayCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
            case "dead-letters" -> System.exit(DeadLettersCommand.run(List.of(args).subList(1, args.length), System.out,
                    System.err));
            case "events" -> System.exit(EventsCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
            case "help", "--help", "-h" -> usage(0);
            default -> {
                System.err.println("Unknown command: " + command);
                usage(2);
            }
        }
    }

    private static void usage(int status) {
        System.out.println("""
                Usage: java -jar drover.jar [command]

                Commands:
                  run      run Drover (the default): the ingestion API, the event buffer and the integrations
                  dead-letters <integration> [--since <ISO-8601 time>] [--until <time>] [--status 400|4xx,...]
                           [--reason <text>] [--limit N] [--bootstrap-servers host:port]
                           print the integration's dead letters, one JSON object a line
                  replay <integration> [--since <time>] [--until <time>] [--status ...] [--reason <text>]
                           [--bootstrap-servers host:port]
                           send the integration's dead letters (those matching) back through it
                  events get <messageId> [--since 24h] [--admin http://127.0.0.1:8081]
                           print every stored copy of an event (from a running Drover's admin API)
                  events tail [--source S] [--type T] [--event E] [--user-id U] [--timeout 10m] [--admin URL]
                           print events as they arrive, one JSON object a line
                  module test <module.yaml> --events <file or dir> [--expect <dir>] [--update] [--set setting=value]
                           run a module's real code over fixture events (no Kafka, nothing sent) and print the
                           exact requests it would send, and what it left out or refused and why
                  playbook-test <playbook or module file> <events.json>
                           print what a playbook makes of each event, and the vendor request(s)

                Settings come from application.properties, -Ddrover.x.y=... or DROVER_X_Y=... (see README.md).""");
        System.exit(status);
    }
}
