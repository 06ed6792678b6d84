package io.drover.playbook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.Batch;
import io.drover.integration.VendorRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import io.drover.vendor.JsonText;

/**
 * A module's {@code request} bean for playbook integrations: applies the playbook to each selected event, wraps the
 * results in the playbook's envelope and sets its headers (placeholders such as {@code {{env:TOKEN}}} resolved once).
 * Events a filter drops are left out; events the playbook cannot transform are rejected ({@link Batch#reject}): the
 * consumer dead-letters them with the reason once the rest is delivered. The URL and method are the module's.
 */
public class PlaybookRequest extends ServiceSupport implements Processor, CamelContextAware {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String playbook;
    private CamelContext context;
    private volatile Compiled compiled;

    private record Compiled(Playbook playbook, Map<String, String> headers) {
    }

    /** The playbook file, e.g. {@code {{drover.integrations-dir}}/acme.playbook.yaml}. */
    public void setPlaybook(String playbook) {
        this.playbook = playbook;
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
        List<ObjectNode> carried = new ArrayList<>(events.size());
        Batch batch = Batch.of(exchange);
        for (ObjectNode event : events) {
            Result r = c.playbook().apply(event);
            switch (r.outcome()) {
                case TRANSFORMED -> {
                    outputs.add(r.output());
                    carried.add(event);
                }
                case FAILED -> batch.reject(event, r.reason());
                case DROPPED -> {
                    // a playbook filter said no: not for this vendor
                }
            }
        }
        if (outputs.isEmpty()) {
            exchange.getIn().setBody(null);
            return;
        }
        Request request = c.playbook().request().orElse(null);
        if (request != null && outputs.size() > request.batchSize()) {
            // More events than the vendor takes in one request (the module's batch is larger): one call per slice.
            List<VendorRequest> calls = new ArrayList<>();
            for (int from = 0; from < outputs.size(); from += request.batchSize()) {
                int to = Math.min(outputs.size(), from + request.batchSize());
                VendorRequest call = VendorRequest.json(JsonText.of(request.wrap(outputs.subList(from, to))),
                        carried.subList(from, to));
                for (Map.Entry<String, String> h : c.headers().entrySet()) {
                    call = call.withHeader(h.getKey(), h.getValue());
                }
                calls.add(call);
            }
            exchange.getIn().setBody(calls);
            return;
        }
        Object body = request != null ? request.wrap(outputs) : outputs.size() == 1 ? outputs.get(0) : outputs;
        c.headers().forEach((k, v) -> exchange.getIn().setHeader(k, v));
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getIn().setBody(JsonText.of(body));
    }

    private Compiled compiled() {
        Compiled c = compiled;
        if (c == null) {
            synchronized (this) {
                if (compiled == null) {
                    Path file = Path.of(playbook);
                    String name = file.getFileName().toString().replaceFirst("\\.playbook\\.ya?ml$", "");
                    Playbook p = Playbook.compile(name, file, context);
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
}
