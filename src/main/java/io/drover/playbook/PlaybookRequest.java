package io.drover.playbook;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import io.drover.destinations.JsonText;

/**
 * The {@code request} bean of the {@code drover-playbook} template (routes/integration.yaml): applies the module's
 * playbook to each selected event and makes one request of the batch the consumer hands it (at most the module's
 * {@code batchSize} events), in the playbook's envelope and with its headers (placeholders such as
 * {@code {{env:TOKEN}}} resolved once). Events a filter drops are left out; events the playbook cannot transform are
 * rejected ({@link Batch#reject}): the consumer dead-letters them with the reason once the rest is delivered. The URL
 * and method are the module's. The playbook is the module's {@code playbook} parameter (YAML text, inline) or, for a
 * large one, {@code playbookFile} (a file name in the integrations directory, beside the module, or a path).
 */
public class PlaybookRequest extends ServiceSupport implements Processor, CamelContextAware {

    private String name = "playbook";
    private String playbook = "";
    private String playbookFile = "";
    private String integrationsDir = ".";
    private int batchSize = 100;
    private CamelContext context;
    private volatile Compiled compiled;

    private record Compiled(Playbook playbook, Map<String, String> headers) {
    }

    /** The integration's name, in the playbook's error messages. */
    public void setName(String name) {
        this.name = name;
    }

    /** The playbook itself, as YAML text (the module's {@code playbook} parameter); empty when it is in a file. */
    public void setPlaybook(String playbook) {
        this.playbook = playbook == null ? "" : playbook;
    }

    /** The playbook's file (the module's {@code playbookFile}): a name resolved in the integrations directory, or a path. */
    public void setPlaybookFile(String playbookFile) {
        this.playbookFile = playbookFile == null ? "" : playbookFile.trim();
    }

    public void setIntegrationsDir(String integrationsDir) {
        this.integrationsDir = integrationsDir;
    }

    /** The module's {@code batchSize}: with no envelope and 1, the body is the event itself, not an array of one. */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /**
     * Compiled when the route starts: a broken playbook stops its module from starting (and says why) instead of
     * dead-lettering every event it is given.
     */
    @Override
    protected void doStart() {
        compiled();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Compiled c = compiled();
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        List<ObjectNode> outputs = new ArrayList<>(events.size());
        List<ObjectNode> sent = new ArrayList<>(events.size());
        List<ObjectNode> dropped = new ArrayList<>();
        Batch batch = Batch.of(exchange);
        for (ObjectNode event : events) {
            Result r = c.playbook().apply(event);
            switch (r.outcome()) {
                case TRANSFORMED -> {
                    outputs.add(r.output());
                    sent.add(event);
                }
                case FAILED -> batch.refuse(event, "playbook_failed", r.reason());
                case DROPPED -> dropped.add(event); // a playbook filter said no: not for this vendor
            }
        }
        if (outputs.isEmpty()) {
            exchange.getIn().setBody(null);
            return;
        }
        Request request = c.playbook().request().orElse(null);
        Object body = request != null ? request.wrap(outputs, batchSize)
                : outputs.size() == 1 && batchSize == 1 ? outputs.get(0) : outputs;
        Map<String, String> headers = new LinkedHashMap<>();
        // The playbook's own Content-Type wins (Klaviyo's JSON:API wants application/vnd.api+json).
        if (c.headers().keySet().stream().noneMatch(k -> k.equalsIgnoreCase(Exchange.CONTENT_TYPE))) {
            headers.put(Exchange.CONTENT_TYPE, "application/json");
        }
        headers.putAll(c.headers());
        if (c.playbook().response().isPresent()) {
            // The answer is read event by event, in the order of the body; the dropped ones count as taken, as below.
            List<ObjectNode> carried = new ArrayList<>(sent);
            carried.addAll(dropped);
            exchange.getIn().setBody(new VendorRequest(null, null, headers, JsonText.of(body), carried,
                    c.playbook().response().get()));
            return;
        }
        headers.forEach((k, v) -> exchange.getIn().setHeader(k, v));
        exchange.getIn().setBody(JsonText.of(body));
    }

    private Compiled compiled() {
        Compiled c = compiled;
        if (c == null) {
            synchronized (this) {
                if (compiled == null) {
                    Playbook p = compile(name, playbook, playbookFile, Path.of(integrationsDir), context);
                    Map<String, String> headers = new LinkedHashMap<>();
                    p.request().ifPresent(req -> req.headers().forEach((k, v) ->
                            headers.put(k, context.resolvePropertyPlaceholders(v))));
                    compiled = new Compiled(p, Map.copyOf(headers));
                }
                c = compiled;
            }
        }
        return c;
    }

    /**
     * A module's playbook: its inline text or its file (exactly one of them), as the module loader also checks it
     * before a running version is replaced.
     */
    public static Playbook compile(String name, String inline, String file, Path integrationsDir, CamelContext context) {
        boolean hasInline = inline != null && !inline.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasInline == hasFile) {
            throw new PlaybookException("integration " + name + ": give its playbook either inline (the 'playbook'"
                    + " parameter, YAML text) or in a file (the 'playbookFile' parameter), " + (hasInline
                    ? "not both" : "one of them"));
        }
        if (hasFile) {
            if (!file.trim().matches(".*\\.playbook\\.ya?ml")) {
                throw new PlaybookException("integration " + name + ": name its playbook file <name>.playbook.yaml ("
                        + file.trim() + "), so that Drover does not take it for a module, and reloads the module when"
                        + " it changes");
            }
            return Playbook.compile(name, integrationsDir.resolve(file.trim()), context);
        }
        if (!inline.contains("\n") && inline.trim().matches(".*\\.ya?ml")) {
            throw new PlaybookException("integration " + name + ": its 'playbook' parameter is the playbook itself"
                    + " (YAML text); for a file, use the 'playbookFile' parameter: " + inline.trim());
        }
        return Playbook.compile(name, new StringReader(inline), context);
    }
}
