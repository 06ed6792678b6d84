package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.VendorRequest;
import io.drover.journey.Recorder;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One module file run without Kafka and without sending anything ({@code drover module test}, golden tests): Drover's
 * templates and delivery steps, the module's own routes and beans, and a {@code drover-events} endpoint that reads
 * nothing. Batches are handed to the module's route as its consumer hands them at run time (cut at the module's
 * {@code batchSize}, the same exchange properties), and the requests it would send are collected instead of sent
 * ({@link Delivery#DRY_RUN}): the same classes and the same batching as at run time.
 */
public final class ModuleHarness implements AutoCloseable {

    /** What one batch became: the requests, and the events left out or refused with why. */
    public record Outcome(List<VendorRequest> requests, Map<ObjectNode, String> refused, List<ObjectNode> leftOut) {
    }

    private final DefaultCamelContext context;
    private final List<Route> routes;
    private final int batchSize;
    private java.time.Clock clock = java.time.Clock.systemUTC();

    private ModuleHarness(DefaultCamelContext context, List<Route> routes, int batchSize) {
        this.context = context;
        this.routes = routes;
        this.batchSize = batchSize;
    }

    /**
     * Loads the module with these settings (the placeholders it uses) on top of Drover's defaults. Fails with the
     * reason Drover would give (a missing setting, a wrong parameter, a broken playbook).
     */
    public static ModuleHarness load(Path module, Map<String, String> settings) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            context.getPropertiesComponent().setLocation("classpath:application.properties");
            context.getPropertiesComponent().addInitialProperty("drover.integrations-dir",
                    module.toAbsolutePath().getParent().toString());
            settings.forEach(context.getPropertiesComponent()::addInitialProperty);
            DroverIntegrations.register(context, "127.0.0.1:9", "drover.events", null, null, true);
            context.removeComponent("drover-events");
            context.addComponent("drover-events", new Silent());
            DroverIntegrations.load(context, "classpath:routes/integration.yaml");
            DroverIntegrations.load(context, "classpath:routes/kit.yaml");
            TemplateParameters parameters = TemplateParameters.load();
            parameters.declare(context);
            context.start();
            String content = Files.readString(module);
            String name = module.getFileName().toString();
            List<String> problems = new ArrayList<>(ModuleParameters.problems(name, content, parameters, context));
            problems.addAll(ModuleFile.read(content).missing(context.getPropertiesComponent()).stream()
                    .map(m -> "missing setting " + m).toList());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            List<String> before = context.getRoutes().stream().map(Route::getRouteId).toList();
            DroverIntegrations.load(context, "file:" + module.toAbsolutePath());
            List<Route> added = context.getRoutes().stream().filter(r -> !before.contains(r.getRouteId())).toList();
            if (added.isEmpty()) {
                throw new IllegalArgumentException(name + " makes no route");
            }
            int size = 100;
            for (ModuleParameters.Route r : ModuleParameters.read(content)) {
                ModuleParameters.Value v = r.parameters().get("batchSize");
                TemplateParameters.Template t = r.template() == null ? null : parameters.template(r.template());
                String text = v != null ? v.text() : t != null && t.parameters().containsKey("batchSize")
                        ? t.parameters().get("batchSize").defaultValue() : null;
                if (text != null) {
                    size = Integer.parseInt(context.resolvePropertyPlaceholders(text).trim());
                }
            }
            return new ModuleHarness(context, added, size);
        } catch (Exception | Error e) {
            context.stop();
            throw e;
        }
    }

    /** The time the module's steps read (a vendor's window, a sentAt): fixed, for outputs that can be compared. */
    public ModuleHarness at(java.time.Instant now) {
        this.clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
        return this;
    }

    /** The module's batch size: its events are handed to it in batches of at most this many. */
    public int batchSize() {
        return batchSize;
    }

    /** Runs the events through the module, batch after batch as its consumer cuts them; nothing is sent. */
    public List<Outcome> run(List<ObjectNode> events) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (int from = 0; from < events.size(); from += batchSize) {
            List<ObjectNode> batch = new ArrayList<>(events.subList(from, Math.min(events.size(), from + batchSize)));
            for (Route route : routes) {
                outcomes.add(deliver(route, batch));
            }
        }
        return outcomes;
    }

    private Outcome deliver(Route route, List<ObjectNode> events) throws Exception {
        BatchState state = new BatchState();
        state.clock(clock);
        // The events as the consumer has them: each with its JSON as stored (what a webhook sends byte for byte).
        Map<ObjectNode, byte[]> stored = new java.util.IdentityHashMap<>();
        for (ObjectNode e : events) {
            stored.put(e, io.drover.ingest.Json.MAPPER.writeValueAsBytes(e));
        }
        state.storedJson(stored);
        Exchange exchange = route.getEndpoint().createExchange();
        List<Object> requests = new ArrayList<>();
        exchange.setProperty(Delivery.DRY_RUN, requests);
        exchange.setProperty(EventsConsumer.ATTEMPT, 1);
        exchange.setProperty(BatchState.PROPERTY, state);
        exchange.setProperty(Recorder.PROPERTY, Recorder.OFF.attempt(1));
        exchange.getIn().setBody(new ArrayList<>(events));
        route.getProcessor().process(exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        Map<ObjectNode, String> refused = new java.util.IdentityHashMap<>();
        List<ObjectNode> leftOut = new ArrayList<>();
        List<ObjectNode> selected = state.selected() == null ? List.of() : state.selected();
        for (ObjectNode e : events) {
            String reason = state.rejectionReason(e);
            if (reason != null) {
                refused.put(e, reason);
            } else if (!selected.contains(e)) {
                leftOut.add(e);
            }
        }
        List<VendorRequest> made = new ArrayList<>();
        requests.forEach(r -> made.add((VendorRequest) r));
        return new Outcome(made, refused, leftOut);
    }

    @Override
    public void close() {
        context.stop();
    }

    public CamelContext context() {
        return context;
    }

    /** {@code drover-events} that reads nothing: the harness hands the route its batches itself. */
    private static final class Silent extends DefaultComponent {
        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            parameters.clear();   // the consumer's own parameters (batchSize, lingerMs, ...): not used here
            return new DefaultEndpoint(uri, this) {
                @Override
                public Producer createProducer() {
                    throw new UnsupportedOperationException("drover-events is a consumer");
                }

                @Override
                public Consumer createConsumer(Processor processor) {
                    return new DefaultConsumer(this, processor);
                }
            };
        }
    }
}
