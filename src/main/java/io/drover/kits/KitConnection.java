package io.drover.kits;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * A kit's {@code connection.json}, compiled once: the {@code default} request and those of {@code eventSpecific}
 * (by the same event names as the playbook). Each has an {@code endpoint}, a {@code method}, {@code headers} (a
 * {@code value}, or {@code fromEventKey}: read from the batch's first event), a {@code batchSize} (default 1) and
 * an optional Lua {@code transform} that gets {@code request} ({@code url}, {@code method}, {@code headers},
 * {@code body}) and {@code batch} (the vendor events) and returns the request. Without a transform the body is the
 * event itself when the batch size is 1, else the list. A GET carries the batch's first event as its query
 * (keys sorted, as Go's url.Values encodes them), built before the transform, and no body.
 */
final class KitConnection {

    /** One request of the connection. */
    record Spec(String place, String endpoint, String method, List<String[]> headers, int batchSize,
                Prototype transform, boolean pathEscape, KitOAuth2 oauth2, KitOAuth1 oauth1) {
    }

    /** A request built for some events: the URL is the kit's, before the base-URL override. */
    record Built(String method, String url, Map<String, String> headers, String body) {
    }

    private final String kit;
    private final Spec fallback;
    private final Map<String, Spec> specific = new LinkedHashMap<>();
    private final LuaSandbox.Bounds bounds;
    private final Map<String, org.luaj.vm2.LuaString[]> fromEvent = new java.util.concurrent.ConcurrentHashMap<>();

    KitConnection(String kit, JsonNode connection, LuaSandbox.Bounds bounds) {
        this.kit = kit;
        this.bounds = bounds;
        this.fallback = connection.has("default") ? spec("default", connection.get("default")) : null;
        connection.path("eventSpecific").fields().forEachRemaining(f ->
                specific.put(f.getKey(), spec("eventSpecific." + f.getKey(), f.getValue())));
        if (fallback == null && specific.isEmpty()) {
            throw new IllegalArgumentException(kit + ": connection: no HTTP request (default or eventSpecific); kits"
                    + " that write to a store (" + storeKind(connection) + ") are not run by Drover");
        }
    }

    private static String storeKind(JsonNode connection) {
        List<String> keys = new ArrayList<>();
        connection.fieldNames().forEachRemaining(k -> {
            if (!k.equals("params")) {
                keys.add(k);
            }
        });
        return String.join(", ", keys);
    }

    /** The request for events of this name; null when the kit sends them nowhere. */
    Spec spec(String eventName) {
        Spec s = specific.get(eventName);
        return s != null ? s : fallback;
    }

    private Spec spec(String place, JsonNode r) {
        for (String unsupported : new String[] {"providerAuth"}) {
            if (r.has(unsupported)) {
                throw new IllegalArgumentException(kit + ": connection " + place + ": " + unsupported
                        + " is not supported by Drover yet (see docs/metarouter.md, gaps)");
            }
        }
        String endpoint = r.path("endpoint").asText();
        if (endpoint.isEmpty()) {
            throw new IllegalArgumentException(kit + ": connection " + place + ": endpoint is required");
        }
        List<String[]> headers = new ArrayList<>();
        for (JsonNode h : r.path("headers")) {
            String key = h.path("key").asText();
            if (h.has("fromEventKey")) {
                headers.add(new String[] {key, null, h.get("fromEventKey").asText()});
            } else {
                headers.add(new String[] {key, h.path("value").asText(), null});
            }
        }
        if (r.has("basicAuth")) {
            JsonNode b = r.get("basicAuth");
            String credentials = b.path("username").asText() + ":" + b.path("password").asText();
            headers.add(new String[] {"Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    null});
        }
        Prototype transform = null;
        if (r.has("transform")) {
            JsonNode t = r.get("transform");
            if (!t.path("lang").asText("lua").equals("lua")) {
                throw new IllegalArgumentException(kit + ": connection " + place + ".transform: unknown language");
            }
            try {
                transform = LuaSandbox.compile(kit + ": connection " + place + ".transform", t.path("body").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(kit + ": connection " + place + ".transform: " + e.getMessage(), e);
            }
        }
        int batchSize = r.path("batchSize").asInt(1);
        if (batchSize < 1) {
            throw new IllegalArgumentException(kit + ": connection " + place + ": batchSize must be at least 1");
        }
        return new Spec(place, endpoint, r.path("method").asText("POST").toUpperCase(java.util.Locale.ROOT), headers,
                batchSize, transform, "use_path_escape_encoding".equals(r.path("queryEncoding").asText()),
                r.has("oauth2Auth") ? new KitOAuth2(kit, r.get("oauth2Auth")) : null,
                r.has("oauth1Auth") ? new KitOAuth1(kit, r.get("oauth1Auth")) : null);
    }

    /**
     * Builds the request of one slice of vendor events ({@code inputs}: the events they came from, for headers read
     * from the event). A failing transform is a {@link KitPlaybook.Failure} naming the place.
     */
    Built build(LuaSandbox lua, Spec spec, List<LuaTable> outputs, List<LuaTable> inputs) {
        LuaTable batch = LuaJson.array();
        for (int i = 0; i < outputs.size(); i++) {
            batch.rawset(i + 1, outputs.get(i));
        }
        LuaTable headers = new LuaTable();
        for (String[] h : spec.headers()) {
            if (h[1] != null) {
                headers.rawset(h[0], LuaValue.valueOf(h[1]));
            } else {
                LuaValue v = KitPlaybook.read(inputs.get(0), fromEvent.computeIfAbsent(h[2], KitPlaybook::path));
                if (!v.isnil() && !v.istable()) {
                    headers.rawset(h[0], LuaValue.valueOf(LuaJson.text(v)));
                }
            }
        }
        boolean get = spec.method().equals("GET");
        String url = spec.endpoint();
        if (get) {
            url = withQuery(url, outputs.get(0), spec.pathEscape());
        }
        LuaTable request = new LuaTable();
        request.rawset("url", LuaValue.valueOf(url));
        request.rawset("method", LuaValue.valueOf(spec.method()));
        request.rawset("headers", headers);
        if (!get) {
            request.rawset("body", spec.batchSize() == 1 && spec.transform() == null ? outputs.get(0) : batch);
        }
        if (spec.transform() != null) {
            try {
                LuaValue r = lua.run(spec.transform(), bounds, "request", request, "batch", batch);
                if (r.istable()) {
                    request = (LuaTable) r;
                }
            } catch (LuaError e) {
                throw new KitPlaybook.Failure(kit + ": connection " + spec.place() + ".transform: lua: " + String.valueOf(e.getMessage()).strip());
            }
        }
        if (!request.rawget("url").isstring()) {
            throw new KitPlaybook.Failure(kit + ": connection " + spec.place() + ".transform: request.url is not text");
        }
        Map<String, String> out = new LinkedHashMap<>();
        LuaValue hs = request.rawget("headers");
        if (hs.istable()) {
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = hs.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                out.put(k.tojstring(), LuaJson.text(n.arg(2)));
            }
        }
        LuaValue body = request.rawget("body");
        String text = null;
        if (body.isstring()) {
            text = body.tojstring();
        } else if (body.istable() && !(get && body.rawlen() == 0 && body.next(LuaValue.NIL).arg1().isnil())) {
            try {
                text = LuaJson.toJsonText(body);
            } catch (LuaError e) {
                // a table that holds itself, or too large: that request's events are refused, not the batch
                throw new KitPlaybook.Failure(kit + ": connection " + spec.place() + ": the body is not JSON: "
                        + e.getMessage());
            }
        }
        if (text != null && out.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            out.put("Content-Type", "application/json");
        }
        LuaValue method = request.rawget("method");
        return new Built(method.isstring() ? method.tojstring() : spec.method(), request.rawget("url").tojstring(), out, text);
    }

    /** The endpoint with the event's top-level keys as its query, sorted by key; nested values as their JSON. */
    private static String withQuery(String endpoint, LuaTable event, boolean pathEscape) {
        TreeMap<String, String> params = new TreeMap<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = event.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            params.put(LuaJson.text(k), LuaJson.text(n.arg(2)));
        }
        if (params.isEmpty()) {
            return endpoint;
        }
        StringBuilder b = new StringBuilder(endpoint);
        char sep = endpoint.contains("?") ? (endpoint.endsWith("?") || endpoint.endsWith("&") ? 0 : '&') : '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (sep != 0) {
                b.append(sep);
            }
            sep = '&';
            b.append(escape(p.getKey(), pathEscape)).append('=').append(escape(p.getValue(), pathEscape));
        }
        return b.toString();
    }

    private static String escape(String s, boolean path) {
        return path ? Helpers.pathEscape(s) : Helpers.queryEscape(s);
    }
}
