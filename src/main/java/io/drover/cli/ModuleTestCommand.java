package io.drover.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.ModuleHarness;
import io.drover.destinations.api.VendorRequest;
import io.drover.support.IsoTime;
import io.drover.support.Redactor;

/**
 * {@code drover module test <module.yaml> --events <file or dir> [--expect <dir>] [--update] [--now <time>]
 * [--set key=value ...]}:
 * runs the module's real code ({@link ModuleHarness}: its template, beans and playbook, batches cut at its
 * {@code batchSize}; no Kafka, nothing sent) over fixture events and prints the exact requests it would send, and
 * what it left out or refused and why. With {@code --expect}, each fixture file's output is compared with the file of
 * the same name in that directory ({@code .txt}); {@code --update} writes them. The author's test loop, and the
 * golden tests of shipped modules. A fixture file holds one event, an array, or a Segment batch. {@code --now} fixes
 * the time the module reads (a vendor's window, a batch's sentAt), so that outputs can be compared from day to day.
 */
public final class ModuleTestCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String USAGE = "Usage: java -jar drover.jar module test <module.yaml> --events <file or directory>"
            + " [--expect <directory>] [--update] [--now <ISO-8601 time>] [--set setting=value ...]";

    private ModuleTestCommand() {
    }

    /** Exit status: 0 when it ran (and matched what is expected), 1 when an output differs, 2 for bad input. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("test")) {
            err.println(USAGE);
            return 2;
        }
        Path module = null;
        Path events = null;
        Path expect = null;
        boolean update = false;
        Instant now = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--events" -> events = Path.of(value(args, ++i, a));
                case "--expect" -> expect = Path.of(value(args, ++i, a));
                case "--update" -> update = true;
                case "--now" -> now = IsoTime.parse(value(args, ++i, a));
                case "--set" -> {
                    String kv = value(args, ++i, a);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        err.println("--set takes setting=value, got " + kv);
                        return 2;
                    }
                    settings.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> {
                    if (a.startsWith("--") || module != null) {
                        err.println("unexpected argument " + a + "\n" + USAGE);
                        return 2;
                    }
                    module = Path.of(a);
                }
            }
        }
        if (module == null || events == null) {
            err.println(USAGE);
            return 2;
        }
        // Camel's start-up lines are not what an author reads here.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.camel"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        // Settings given on the command line are secrets as much as the environment's: masked in what is printed.
        Redactor.learn(settings);
        Redactor.learnFromSystem();
        try (ModuleHarness harness = ModuleHarness.load(module, settings)) {
            if (now != null) {
                harness.at(now);
            }
            int status = 0;
            for (Path fixture : fixtures(events)) {
                String output = render(harness, fixture);
                if (expect == null) {
                    out.print(output);
                    continue;
                }
                Path expected = expect.resolve(fixture.getFileName().toString().replaceFirst("\\.json$", "") + ".txt");
                if (update) {
                    Files.createDirectories(expect);
                    Files.writeString(expected, output);
                    out.println("wrote " + expected);
                } else if (!Files.exists(expected)) {
                    err.println(fixture.getFileName() + ": no expected output " + expected + " (--update writes it)");
                    status = 1;
                } else if (!Files.readString(expected).equals(output)) {
                    err.println(fixture.getFileName() + ": differs from " + expected + "; it now gives:\n" + output);
                    status = 1;
                } else {
                    out.println(fixture.getFileName() + ": as expected");
                }
            }
            return status;
        } catch (IllegalArgumentException | IOException e) {
            err.println("module test: " + Redactor.redact(String.valueOf(e.getMessage())));
            return 2;
        } catch (Exception e) {
            err.println("module test: " + Redactor.redact(e.toString()));
            return 2;
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static List<Path> fixtures(Path events) throws IOException {
        if (!Files.isDirectory(events)) {
            return List.of(events);
        }
        try (Stream<Path> files = Files.list(events)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** One fixture file's events through the module, as text: the requests, then what was left out or refused. */
    static String render(ModuleHarness harness, Path fixture) throws Exception {
        List<ObjectNode> events = events(fixture);
        StringBuilder b = new StringBuilder();
        b.append("# ").append(fixture.getFileName()).append(": ").append(events.size()).append(" event(s), batches of at most ")
                .append(harness.batchSize()).append('\n');
        for (ModuleHarness.Outcome o : harness.run(events)) {
            for (VendorRequest r : o.requests()) {
                b.append('\n').append(r.method()).append(' ').append(r.url()).append('\n');
                new java.util.TreeMap<>(r.headers()).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
                // As sent, byte for byte (a signature covers it): one line.
                b.append(r.body() == null ? "" : r.body()).append('\n');
            }
            o.leftOut().forEach(e -> b.append("\nleft out: ").append(describe(e)).append('\n'));
            o.refused().forEach((e, reason) -> b.append("\nrefused: ").append(describe(e)).append(": ").append(reason)
                    .append('\n'));
        }
        return Redactor.redact(b.toString());
    }

    private static String describe(ObjectNode e) {
        return e.path("type").asText("?") + (e.has("event") ? " " + e.path("event").asText() : "") + ", messageId "
                + e.path("messageId").asText("-");
    }

    /**
     * The fixture's events as ingestion would have stored them, as far as modules read them: a messageId and
     * receivedAt when missing (fixed, so that outputs can be compared), and timestamp = receivedAt when missing.
     */
    static List<ObjectNode> events(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        JsonNode list = root.has("batch") ? root.get("batch") : root;
        List<ObjectNode> events = new ArrayList<>();
        for (JsonNode e : list.isArray() ? list : MAPPER.createArrayNode().add(list)) {
            if (!(e instanceof ObjectNode o)) {
                throw new IllegalArgumentException(file.getFileName() + ": every event must be a JSON object");
            }
            ObjectNode event = o.deepCopy();
            if (!event.hasNonNull("messageId")) {
                event.put("messageId", "test-" + file.getFileName().toString().replaceFirst("\\.json$", "") + "-"
                        + events.size());
            }
            String now = IsoTime.format(Instant.now());
            if (!event.hasNonNull("receivedAt")) {
                event.put("receivedAt", event.hasNonNull("timestamp") ? event.get("timestamp").asText() : now);
            }
            if (!event.hasNonNull("timestamp")) {
                event.put("timestamp", event.get("receivedAt").asText());
            }
            events.add(event);
        }
        return events;
    }
}
