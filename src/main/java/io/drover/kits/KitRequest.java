package io.drover.kits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import io.drover.support.Redactor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.luaj.vm2.LuaTable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The {@code request} bean of the {@code drover-kit} template ({@code routes/kit.yaml}): runs a MetaRouter starter
 * kit unchanged. Each selected event goes through the kit's playbook; what its filters drop is left out, an event
 * whose mapping fails (a Lua error, a value that is not a date) is refused alone with the place and the error, and
 * the others are cut into requests of the kit's {@code batchSize} and built by its connection. The kit's endpoint
 * host may be replaced by {@link #setBaseUrl a base URL}. Compiled once, when the route starts: a kit that does not
 * compile, or lacks a parameter, stops its module from starting and says why.
 */
public class KitRequest extends ServiceSupport implements Processor, org.apache.camel.CamelContextAware {

    private String kit;
    private String params = "";
    private String baseUrl = "";
    private String authBaseUrl = "";
    private org.apache.camel.CamelContext camelContext;
    private String moduleDir = ".";
    private String npmPackage = "";
    private long maxInstructions = LuaSandbox.Bounds.DEFAULT.instructions();
    private long maxBytes = LuaSandbox.Bounds.DEFAULT.bytes();

    private volatile Compiled compiled;
    private final ThreadLocal<LuaSandbox> sandbox = ThreadLocal.withInitial(() -> new LuaSandbox(Helpers.library()));

    /** The playbook and connection of a kit, with its parameters, compiled. */
    public record Compiled(String name, KitPlaybook playbook, KitConnection connection) {
    }

    /** A kit folder (relative to the module's folder) or {@code npm:<kit name>}. */
    public void setKit(String kit) {
        this.kit = kit.strip();
    }

    /** The kit's parameters as YAML text, {@code NAME: value} a line; values come from settings and secrets. */
    public void setParams(String params) {
        this.params = params == null ? "" : params;
    }

    /** Replaces the scheme, host and port of the kit's endpoints (proxies, regional hosts, a stand-in); empty: none. */
    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl == null ? "" : baseUrl.strip().replaceAll("/+$", "");
    }

    /** Replaces the scheme, host and port of the kit's OAuth 2 token URL; empty: the kit's. */
    public void setAuthBaseUrl(String authBaseUrl) {
        this.authBaseUrl = authBaseUrl == null ? "" : authBaseUrl.strip().replaceAll("/+$", "");
    }

    @Override
    public void setCamelContext(org.apache.camel.CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public org.apache.camel.CamelContext getCamelContext() {
        return camelContext;
    }

    public void setModuleDir(String moduleDir) {
        this.moduleDir = moduleDir;
    }

    /**
     * The installed {@code @metarouter/ajs-starter-kit} package, for {@code npm:} kits; empty: installed in the
     * module's folder ({@code npm install @metarouter/ajs-starter-kit} there).
     */
    public void setNpmPackage(String npmPackage) {
        this.npmPackage = npmPackage;
    }

    public void setMaxInstructions(long maxInstructions) {
        this.maxInstructions = maxInstructions;
    }

    public void setMaxBytes(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doStart() {
        compiled();
    }

    /** Compiles a kit as this bean would (for tools and tests). */
    public static Compiled compile(Kit kit, Map<String, String> params, LuaSandbox.Bounds bounds) {
        Kit k = kit.withParams(params);
        return new Compiled(k.name(), new KitPlaybook(k.name(), k.playbook(), bounds),
                new KitConnection(k.name(), k.connection(), bounds));
    }

    Compiled compiled() {
        Compiled c = compiled;
        if (c == null) {
            synchronized (this) {
                if (compiled == null) {
                    if (kit == null || kit.isEmpty()) {
                        throw new IllegalArgumentException("the kit module needs a kit (a folder, or npm:<name>)");
                    }
                    Path npm = npmPackage.isBlank()
                            ? Path.of(moduleDir).resolve("node_modules/@metarouter/ajs-starter-kit") : Path.of(npmPackage);
                    Kit k = Kit.locate(kit, Path.of(moduleDir), npm);
                    Map<String, String> values = params(params);
                    learnSecrets(k, values);
                    compiled = compile(k, values, new LuaSandbox.Bounds(maxInstructions, maxBytes));
                }
                c = compiled;
            }
        }
        return c;
    }

    private static Map<String, String> params(String yaml) {
        Map<String, String> values = new LinkedHashMap<>();
        if (yaml.isBlank()) {
            return values;
        }
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        if (!(tree instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the kit module's params are NAME: value lines");
        }
        map.forEach((k, v) -> values.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        return values;
    }

    /** A parameter the kit marks sensitive, or whose name says it is a secret, is masked in logs and dead letters. */
    private static void learnSecrets(Kit kit, Map<String, String> values) {
        Map<String, String> named = new LinkedHashMap<>();
        List<String> sensitive = new ArrayList<>();
        values.forEach((name, value) -> {
            named.put(name.toLowerCase(java.util.Locale.ROOT), value);
            Kit.Param p = kit.params().get(name);
            if (p != null && p.sensitive()) {
                sensitive.add(value);
            }
        });
        Redactor.learn(named);
        Redactor.learnValues(sensitive);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        Compiled c = compiled();
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        exchange.getIn().setBody(requests(c, events, batch));
    }

    /** The requests for these events; refused and dropped events are told to the batch. */
    public List<VendorRequest> requests(Compiled c, List<ObjectNode> events, Batch batch) {
        LuaSandbox lua = sandbox.get();
        // Per request spec, in order: the events, their Lua input and their vendor event.
        Map<KitConnection.Spec, List<Object[]>> bySpec = new LinkedHashMap<>();
        for (ObjectNode event : events) {
            LuaTable input = (LuaTable) LuaJson.toLua(event);
            ProviderNames.addMetaRouterNames(input);
            KitPlaybook.Result r = c.playbook().apply(lua, input);
            switch (r.outcome()) {
                case FAILED -> batch.refuse(event, "kit_failed", r.reason());
                case DROPPED -> batch.leftOut("kit_filter");
                case TRANSFORMED -> {
                    KitConnection.Spec spec = c.connection().spec(r.name());
                    if (spec == null) {
                        batch.leftOut("kit_no_request");
                    } else {
                        bySpec.computeIfAbsent(spec, s -> new ArrayList<>()).add(new Object[] {event, input, r.output()});
                    }
                }
            }
        }
        List<VendorRequest> requests = new ArrayList<>();
        for (Map.Entry<KitConnection.Spec, List<Object[]>> e : bySpec.entrySet()) {
            KitConnection.Spec spec = e.getKey();
            List<Object[]> all = e.getValue();
            for (int from = 0; from < all.size(); from += spec.batchSize()) {
                List<Object[]> slice = all.subList(from, Math.min(all.size(), from + spec.batchSize()));
                request(c, lua, spec, slice, batch, requests);
            }
        }
        return requests;
    }

    /**
     * The request of one slice of vendor events. When it cannot be built and the slice has several events, those
     * whose vendor event cannot be written as JSON alone (a table that holds itself, too large) are refused, and the
     * request is built again without them: one event's bad value does not refuse the others.
     */
    private void request(Compiled c, LuaSandbox lua, KitConnection.Spec spec, List<Object[]> slice, Batch batch,
                         List<VendorRequest> requests) {
        List<ObjectNode> carried = new ArrayList<>(slice.size());
        List<LuaTable> inputs = new ArrayList<>(slice.size());
        List<LuaTable> outputs = new ArrayList<>(slice.size());
        for (Object[] o : slice) {
            carried.add((ObjectNode) o[0]);
            inputs.add((LuaTable) o[1]);
            outputs.add((LuaTable) o[2]);
        }
        try {
            KitConnection.Built b = c.connection().build(lua, spec, outputs, inputs);
            Map<String, String> headers = b.headers();
            if (spec.oauth2() != null) {
                // The token fetched is the request's authorization, in place of any the kit writes itself.
                headers = new LinkedHashMap<>(headers);
                headers.keySet().removeIf(h -> h.equalsIgnoreCase("Authorization"));
                headers.put("Authorization", "Bearer " + spec.oauth2().token(guard(), u -> rebase(u, authBaseUrl)));
            } else if (spec.oauth1() != null) {
                // Signed for the kit's URL (the vendor's), as a proxy or regional host forwards it.
                headers = new LinkedHashMap<>(headers);
                headers.keySet().removeIf(h -> h.equalsIgnoreCase("Authorization"));
                headers.put("Authorization", spec.oauth1().header(b.method(), b.url()));
            }
            requests.add(new VendorRequest(b.method(), rebase(b.url()), headers,
                    b.body() == null ? "" : b.body(), carried, null));
        } catch (KitPlaybook.Failure f) {
            List<Object[]> writable = slice.size() > 1 ? writableAlone(c, slice, batch) : slice;
            if (writable.size() == slice.size()) {
                // each event is fine alone: the request itself fails (its transform), for all of them
                carried.forEach(ev -> batch.refuse(ev, "kit_failed", f.getMessage()));
            } else if (!writable.isEmpty()) {
                request(c, lua, spec, writable, batch, requests);
            }
        }
    }

    /** The events of a slice whose vendor event is JSON alone; the others are refused, saying why. */
    private static List<Object[]> writableAlone(Compiled c, List<Object[]> slice, Batch batch) {
        List<Object[]> writable = new ArrayList<>(slice.size());
        for (Object[] o : slice) {
            try {
                LuaJson.toJsonText((LuaTable) o[2]);
                writable.add(o);
            } catch (org.luaj.vm2.LuaError e) {
                batch.refuse((ObjectNode) o[0], "kit_failed", c.name() + ": the vendor event is not JSON: "
                        + e.getMessage());
            }
        }
        return writable;
    }

    private io.drover.integration.TargetGuard guard() {
        // Outside a route (tools, tests) there is no context: the guard's own default (private targets refused).
        return camelContext != null ? io.drover.integration.TargetGuard.of(camelContext)
                : new io.drover.integration.TargetGuard(false);
    }

    /** The URL with the base URL in place of its scheme, host and port. */
    String rebase(String url) {
        return rebase(url, baseUrl);
    }

    static String rebase(String url, String baseUrl) {
        if (baseUrl.isEmpty()) {
            return url;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return baseUrl + (url.startsWith("/") ? url : "/" + url);
        }
        int path = url.indexOf('/', scheme + 3);
        int query = url.indexOf('?', scheme + 3);
        int cut = path < 0 ? query : query < 0 ? path : Math.min(path, query);
        return baseUrl + (cut < 0 ? "" : url.substring(cut));
    }
}
