package io.drover.destinations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.BatchState;
import io.drover.integration.Delivery;
import io.drover.integration.TargetGuard;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files for vendor mappings: every shared Segment-spec event in {@code src/test/resources/events/} goes
 * through a vendor's request bean on its own, and the requests it makes (method, URL, headers, body) must equal
 * {@code src/test/resources/golden/<vendor>/<event>.json} exactly, so a change in any mapping shows as a diff.
 * An event the vendor does not take gives {@code []}; one it rejects gives {@code {"rejected": id, "reason": ...}}.
 * Run with {@code -Ddrover.golden.update=true} to write the files after a deliberate change, then review the diff.
 */
public final class GoldenFiles {

    public static final Path EVENTS = Path.of("src/test/resources/events");
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GoldenFiles() {
    }

    /** The shared event fixtures' names (file names without .json), sorted. */
    public static List<String> eventNames() {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode event(String name) {
        try {
            return (ObjectNode) MAPPER.readTree(EVENTS.resolve(name + ".json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the request bean over these events as one batch, as the integration route does, checks that it left them
     * as they were, and describes the requests it makes as JSON.
     */
    public static JsonNode requests(Processor requestBean, String endpoint, String method, List<ObjectNode> events)
            throws Exception {
        CamelContext context = new DefaultCamelContext();
        Exchange exchange = new DefaultExchange(context);
        BatchState batch = BatchState.of(exchange);
        exchange.getIn().setBody(new ArrayList<>(events));
        batch.selected(events); // every event is selected here
        List<ObjectNode> before = events.stream().map(ObjectNode::deepCopy).toList();
        requestBean.process(exchange);
        // The events a bean is given are shared by every integration of the instance (ParsedEvents): read-only.
        assertThat(events).as("the request bean must not change the events it is given").isEqualTo(before);
        new Delivery(new TargetGuard(true)).requests(exchange, endpoint, method);
        @SuppressWarnings("unchecked")
        List<VendorRequest> requests = exchange.getIn().getBody(List.class);
        ArrayNode out = MAPPER.createArrayNode();
        for (VendorRequest r : requests) {
            ObjectNode o = out.addObject();
            o.put("method", r.method());
            o.put("url", r.url());
            ObjectNode headers = o.putObject("headers");
            r.headers().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(h -> headers.put(h.getKey(), h.getValue()));
            try {
                o.set("body", MAPPER.readTree(r.body()));
            } catch (IOException e) {
                o.put("body", r.body());
            }
            o.put("events", r.events().size());
        }
        for (ObjectNode e : events) {
            String reason = batch.rejectionReasons().get(e);
            if (reason != null) {
                out.addObject().put("rejected", e.path("messageId").asText()).put("reason", reason);
            }
        }
        return out;
    }

    /** Asserts (or, with -Ddrover.golden.update=true, writes) the golden file of one vendor and event. */
    public static void check(String vendor, String event, JsonNode actual) throws IOException {
        Path file = GOLDEN.resolve(vendor).resolve(event + ".json");
        String text = MAPPER.writeValueAsString(actual) + "\n";
        if (Boolean.getBoolean("drover.golden.update") || !Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            if (!Boolean.getBoolean("drover.golden.update")) {
                throw new AssertionError("no golden file yet: wrote " + file + "; review it, commit it, run again");
            }
            return;
        }
        assertThat(text).as("golden file %s (run with -Ddrover.golden.update=true after a deliberate change)", file)
                .isEqualTo(Files.readString(file));
    }
}
