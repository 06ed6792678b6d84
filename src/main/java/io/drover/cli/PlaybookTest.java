package io.drover.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private static final Pattern PLAYBOOK_PROPERTY = Pattern.compile("playbook:\\s*\"?([^\"\\n]+?)\"?\\s*$", Pattern.MULTILINE);

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
            Path file = playbookFile(Path.of(args.get(0)));
            String name = file.getFileName().toString().replaceFirst("\\.playbook\\.ya?ml$", "").replaceFirst("\\.ya?ml$", "");
            Playbook playbook = Playbook.compile(name, file, context);
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
            printRequests(playbook, outputs, out);
            return failed ? 1 : 0;
        } catch (PlaybookException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("playbook-test: " + e.getMessage());
            return 2;
        }
    }

    private static void printRequests(Playbook playbook, List<ObjectNode> outputs, PrintStream out) throws IOException {
        if (outputs.isEmpty()) {
            out.println("No request: no event was transformed.");
            return;
        }
        Request request = playbook.request().orElse(null);
        int size = request == null ? outputs.size() : Math.max(1, request.batchSize());
        for (int from = 0; from < outputs.size(); from += size) {
            List<ObjectNode> batch = outputs.subList(from, Math.min(outputs.size(), from + size));
            out.println();
            if (request == null) {
                out.println("Request (the module's URL and method; the playbook has no request section):");
                out.println(MAPPER.writeValueAsString(batch.size() == 1 ? batch.get(0) : batch));
            } else {
                out.printf("%s %s%n", request.method(), request.endpoint());
                request.headers().forEach((k, v) -> out.printf("%s: %s%n", k, v));
                out.println(MAPPER.writeValueAsString(request.wrap(batch)));
            }
        }
    }

    /** A module file names its playbook in the request bean's {@code playbook} property. */
    static Path playbookFile(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.contains(".playbook.")) {
            return file;
        }
        Matcher m = PLAYBOOK_PROPERTY.matcher(Files.readString(file));
        if (!m.find()) {
            throw new IllegalArgumentException(file + " is neither a playbook (*.playbook.yaml) nor a module that names one");
        }
        String value = m.group(1).trim().replace("{{drover.integrations-dir}}", file.toAbsolutePath().getParent().toString());
        return Path.of(value);
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
