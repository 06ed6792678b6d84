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
import io.drover.integration.TargetGuard;
import io.drover.integration.Validation;
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
 * {@code --send} then sends the first request to the vendor's validation endpoint where it has one (GA4's
 * {@code /debug/mp/collect}, Meta's {@code test_event_code}) and prints its answer.
 */
public final class ModuleTestCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String USAGE = "Usage: java -jar drover.jar module test <module.yaml> --events <file or directory>"
            + " [--expect <directory>] [--update] [--now <ISO-8601 time>] [--set setting=value ...]"
            + " [--send [--test-event-code <code>]]";

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
        boolean send = false;
        String testEventCode = null;
        Instant now = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--events" -> events = Path.of(value(args, ++i, a));
                case "--expect" -> expect = Path.of(value(args, ++i, a));
                case "--update" -> update = true;
                case "--send" -> send = true;
                case "--test-event-code" -> testEventCode = value(args, ++i, a);
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
            if (send) {
                status = Math.max(status, send(harness, fixtures(events), testEventCode, out, err));
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

    /**
     * {@code --send}: the first request the fixtures make, sent to the vendor's validation endpoint ({@link
     * Validation}), and its answer printed. 0 when the vendor found nothing wrong, or has no validation endpoint (said,
     * nothing sent); 1 when it names problems or the fixtures make no request; 2 when it cannot be sent.
     */
    static int send(ModuleHarness harness, List<Path> fixtures, String testEventCode, PrintStream out, PrintStream err)
            throws Exception {
        VendorRequest first = null;
        for (Path fixture : fixtures) {
            for (ModuleHarness.Outcome o : harness.run(events(fixture))) {
                if (first == null && !o.requests().isEmpty()) {
                    first = o.requests().get(0);
                }
            }
            if (first != null) {
                break;
            }
        }
        if (first == null) {
            err.println("--send: the fixtures make no request (all left out or refused); nothing sent");
            return 1;
        }
        Validation.Vendor vendor = Validation.vendorOf(first);
        if (vendor == null) {
            out.println("\n# --send: this vendor has no validation endpoint (GA4 and Meta have one); nothing sent");
            return 0;
        }
        Validation.Answer answer;
        try {
            answer = Validation.send(first, testEventCode, TargetGuard.of(harness.context()));
        } catch (Validation.Unsupported e) {
            err.println("--send: " + e.getMessage() + (e.parameter().equals("testEventCode")
                    ? " (--test-event-code <code>, or --set meta.test-event-code=<code>)" : ""));
            return 2;
        } catch (IOException | io.drover.destinations.api.DeliveryException e) {
            err.println("--send: could not reach the validation endpoint: " + Redactor.redact(String.valueOf(e.getMessage())));
            return 2;
        }
        String name = vendor == Validation.Vendor.GA4 ? "GA4" : "Meta";
        out.println("\n# --send: the first request, to " + name + "'s validation endpoint");
        out.println((first.method() == null ? "POST" : first.method()) + " " + answer.url());
        out.println("HTTP " + answer.status());
        out.println(answer.body());
        List<String> problems = answer.problems();
        if (problems.isEmpty()) {
            out.println(name + " found nothing wrong");
            return 0;
        }
        out.println(name + " found " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"));
        problems.forEach(p -> out.println("  " + p));
        return 1;
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
