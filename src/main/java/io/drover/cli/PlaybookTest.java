package io.drover.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.ModuleParameters;
import io.drover.integration.TemplateParameters;
import io.drover.playbook.Playbook;
import io.drover.playbook.PlaybookException;
import io.drover.playbook.Request;
import io.drover.playbook.Result;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * {@code drover playbook-test <playbook or module file> <events.json>}: runs a playbook over fixture events and prints,
 * for each event, what the playbook made of it, then the vendor request(s) the batch becomes, for authors of modules.
 * The events file holds one event, an array of events, or a Segment batch ({@code {"batch": [...]}}).
 */
public final class PlaybookTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlaybookTest() {
    }

    /** Returns the exit status: 0 when every event was transformed or dropped, 1 when one failed, 2 on bad input. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 2) {
            err.println("Usage: java -jar drover.jar playbook-test <file.playbook.yaml | module.yaml> <events.json>");
            return 2;
        }
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            Module module = module(Path.of(args.get(0)));
            Playbook playbook = module.compile(context);
            List<ObjectNode> events = events(Path.of(args.get(1)));
            List<ObjectNode> outputs = new ArrayList<>();
            boolean failed = false;
            for (int i = 0; i < events.size(); i++) {
                ObjectNode event = events.get(i);
                Result r = playbook.apply(event);
                out.printf("event %d (%s %s, messageId %s): %s%n", i, event.path("type").asText("?"),
                        event.path("event").asText(""), event.path("messageId").asText("-"), r.outcome());
                switch (r.outcome()) {
                    case TRANSFORMED -> {
                        outputs.add(r.output());
                        out.println(MAPPER.writeValueAsString(r.output()));
                    }
                    case DROPPED -> out.println("  dropped: " + r.reason());
                    case FAILED -> {
                        failed = true;
                        out.println("  failed: " + r.reason());
                    }
                }
            }
            printRequests(playbook, module, outputs, out);
            return failed ? 1 : 0;
        } catch (PlaybookException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("playbook-test: " + e.getMessage());
            return 2;
        }
    }

    /** Cut as the consumer cuts batches at run time: by the module's batchSize, one request each. */
    private static void printRequests(Playbook playbook, Module module, List<ObjectNode> outputs, PrintStream out)
            throws IOException {
        if (outputs.isEmpty()) {
            out.println("No request: no event was transformed.");
            return;
        }
        Request request = playbook.request().orElse(null);
        for (int from = 0; from < outputs.size(); from += module.batchSize()) {
            List<ObjectNode> batch = outputs.subList(from, Math.min(outputs.size(), from + module.batchSize()));
            out.println();
            out.printf("%s %s%n", module.method(), module.endpoint());
            if (request != null) {
                request.headers().forEach((k, v) -> out.printf("%s: %s%n", k, v));
                out.println(MAPPER.writeValueAsString(request.wrap(batch, module.batchSize())));
            } else {
                out.println(MAPPER.writeValueAsString(batch.size() == 1 && module.batchSize() == 1 ? batch.get(0) : batch));
            }
        }
    }

    /** What the tester needs of a module: its playbook, URL, method and batch size (a playbook file alone: defaults). */
    record Module(String name, String inline, String file, Path dir, String endpoint, String method, int batchSize) {
        Playbook compile(org.apache.camel.CamelContext context) {
            return io.drover.playbook.PlaybookRequest.compile(name, inline, file, dir, context);
        }
    }

    static Module module(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String fileName = file.getFileName().toString();
        if (fileName.contains(".playbook.")) {
            return new Module(fileName.replaceFirst("\\.playbook\\.ya?ml$", ""), "", fileName, dir,
                    "(the module's endpoint)", "POST", 1);
        }
        ModuleParameters.Route route = ModuleParameters.read(Files.readString(file)).stream()
                .filter(r -> "drover-playbook".equals(r.template())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + " is neither a playbook (*.playbook.yaml) nor a"
                        + " drover-playbook module"));
        // The template's defaults from their one home, routes/parameters.yaml.
        Map<String, TemplateParameters.Parameter> declared = TemplateParameters.load().template("drover-playbook")
                .parameters();
        return new Module(route.text("name", fileName), route.text("playbook", ""), route.text("playbookFile", ""), dir,
                route.text("endpoint", "?"), route.text("method", declared.get("method").defaultValue()),
                Integer.parseInt(settingDefault(route.text("batchSize", declared.get("batchSize").defaultValue())).trim()));
    }

    /**
     * A parameter that is a setting with a default ({@code {{reddit.batch-size:1000}}}) is its default here: the
     * tester runs without the module's settings. Anything else is as written.
     */
    static String settingDefault(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{[^:}]+:([^}]*)}}").matcher(value.trim());
        return m.matches() ? m.group(1) : value;
    }

    static List<ObjectNode> events(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        JsonNode list = root.has("batch") ? root.get("batch") : root;
        List<ObjectNode> events = new ArrayList<>();
        if (list instanceof ObjectNode single) {
            events.add(single);
        } else {
            for (JsonNode e : list) {
                if (!(e instanceof ObjectNode o)) {
                    throw new IllegalArgumentException("every event must be a JSON object");
                }
                events.add(o);
            }
        }
        return events;
    }
}
