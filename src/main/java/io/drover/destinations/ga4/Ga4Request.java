package io.drover.destinations.ga4;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.api.Chunks;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import io.drover.destinations.JsonText;

/**
 * GA4 Measurement Protocol requests: {@code POST /mp/collect?measurement_id=&api_secret=} (or the validation server's
 * {@code /debug/mp/collect}). One request carries one client (client_id, user_id and the other request-level fields),
 * so a batch's events are grouped by those fields, in order of first appearance, and each group is cut into requests
 * of at most 25 events and 130 kB; each event keeps its own {@code timestamp_micros}, so GA4 places it in time
 * whatever request carried it.
 */
public class Ga4Request implements Processor {

    static final int MAX_EVENTS = 25;
    /** "The post body must be smaller than 130kB." */
    static final int MAX_BYTES = 130_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

    private String measurementId;
    private String apiSecret;
    private String baseUrl = "https://www.google-analytics.com";
    private boolean debug;
    private String defaultCurrency;
    /** Trait name → user property name, both checked once. */
    private Map<String, String> userProperties = Map.of();
    private volatile String url;

    public void setMeasurementId(String measurementId) {
        this.measurementId = measurementId.trim();
    }

    public void setApiSecret(String apiSecret) {
        this.apiSecret = apiSecret.trim();
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.trim().replaceAll("/+$", "");
    }

    /** Send to the validation server, which checks the requests and records nothing. */
    public void setDebug(boolean debug) {
        this.debug = debug;
    }

    /** The currency of a value that comes without one (a shop that sells in one currency); empty: none. */
    public void setDefaultCurrency(String defaultCurrency) {
        this.defaultCurrency = io.drover.destinations.Currencies.setting(defaultCurrency);
    }

    /** Traits copied from {@code context.traits} to {@code user_properties}, comma-separated (none by default). */
    public void setUserProperties(String names) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String n : names.split(",")) {
            String trait = n.trim();
            String key = Ga4Names.isValidUserProperty(trait) ? trait
                    : Ga4Names.snakeCase(trait, Ga4Names.USER_PROPERTY_NAME_MAX);
            if (!trait.isEmpty() && Ga4Names.isValidUserProperty(key) && map.size() < 25) {
                map.put(trait, key);
            }
        }
        this.userProperties = map;
    }

    /** The collect URL: values encoded as query values, the URL itself as is (never encoded as a whole). */
    String url() {
        String u = url;
        if (u == null) {
            if (measurementId == null || measurementId.isEmpty() || apiSecret == null || apiSecret.isEmpty()) {
                throw new IllegalStateException("GA4 needs a measurement id and an API secret (GA4_MEASUREMENT_ID, GA4_API_SECRET)");
            }
            u = baseUrl + (debug ? "/debug/mp/collect" : "/mp/collect") + "?measurement_id="
                    + URLEncoder.encode(measurementId, StandardCharsets.UTF_8) + "&api_secret="
                    + URLEncoder.encode(apiSecret, StandardCharsets.UTF_8);
            url = u;
        }
        return u;
    }

    /** One GA4 event and the Segment event it came from. */
    private record Item(ObjectNode event, String json) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        String target = url();
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        for (ObjectNode e : events) {
            JsonNode google = e.path("context").path("providers").path("google");
            ObjectNode ga4 = Ga4Events.toGa4(e, Ga4Events.text(google, "sessionId"), defaultCurrency, batch::omitted)
                    .settle(batch, e);
            if (ga4 == null) {
                continue; // not a type GA4 takes, or refused
            }
            String clientId = clientId(e, google);
            if (clientId == null) {
                batch.refuse(e, "missing_field",
                        "no GA4 client id: neither context.providers.google.clientId, anonymousId nor userId");
                continue;
            }
            groups.computeIfAbsent(envelope(e, clientId), k -> new ArrayList<>())
                    .add(new Item(e, MAPPER.writeValueAsString(ga4)));
        }
        ResponseReader reader = debug ? ValidationReader::read : ResponseReader.STATUS;
        List<VendorRequest> requests = new ArrayList<>();
        for (Map.Entry<String, List<Item>> group : groups.entrySet()) {
            String prefix = group.getKey();
            Chunks<Item> chunks = Chunks.of(group.getValue(), MAX_EVENTS, MAX_BYTES, utf8Length(prefix) + 2,
                    i -> utf8Length(i.json()));
            for (Item tooLarge : chunks.tooLarge()) {
                batch.refuse(tooLarge.event(), "too_large", "the GA4 event alone is larger than a request may be (130 kB)");
            }
            for (List<Item> chunk : chunks.chunks()) {
                StringBuilder body = new StringBuilder(prefix);
                List<ObjectNode> carried = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    body.append(i == 0 ? "" : ",").append(chunk.get(i).json());
                    carried.add(chunk.get(i).event());
                }
                body.append("]}");
                requests.add(new VendorRequest("POST", target, HEADERS, body.toString(), carried, reader));
            }
        }
        exchange.getIn().setBody(requests);
    }

    /**
     * The GA4 client id: the {@code _ga} cookie's id the tag stored ({@code GA1.1.<id>} accepted too), else the
     * anonymousId, else the userId (GA4 requires a client_id for web streams; without the cookie's id the event is
     * not joined to the browser's sessions).
     */
    static String clientId(ObjectNode e, JsonNode google) {
        String cookie = Ga4Events.text(google, "clientId");
        if (cookie != null) {
            return cookieId(cookie);
        }
        String anonymousId = Ga4Events.text(e, "anonymousId");
        return anonymousId != null ? anonymousId : Ga4Events.text(e, "userId");
    }

    /** "GA1.1.1432567890.1732780800" → "1432567890.1732780800"; an id without the prefix as it is. */
    static String cookieId(String value) {
        if (value.startsWith("GA") && value.indexOf('.') > 0) {
            int second = value.indexOf('.', value.indexOf('.') + 1);
            if (second > 0 && value.indexOf('.', second + 1) > 0) {
                return value.substring(second + 1);
            }
        }
        return value;
    }

    /**
     * The request's fields other than events, as the JSON text that starts the body ({@code {...,"events":[}}): events
     * with the same text can share a request.
     */
    private String envelope(ObjectNode e, String clientId) throws JsonProcessingException {
        ObjectNode env = MAPPER.createObjectNode();
        env.put("client_id", clientId);
        String userId = Ga4Events.text(e, "userId");
        if (userId != null) {
            env.put("user_id", userId);
        }
        JsonNode context = e.path("context");
        if (!userProperties.isEmpty()) {
            ObjectNode props = userProperties(context.path("traits"));
            if (!props.isEmpty()) {
                env.set("user_properties", props);
            }
        }
        JsonNode advertising = context.path("consent").path("categoryPreferences").path("advertising");
        if (advertising.isBoolean()) {
            String state = advertising.asBoolean() ? "GRANTED" : "DENIED";
            env.putObject("consent").put("ad_user_data", state).put("ad_personalization", state);
        }
        String ip = Ga4Events.text(context, "ip");
        if (ip != null) {
            env.put("ip_override", ip);
        }
        String userAgent = Ga4Events.text(context, "userAgent");
        if (userAgent != null) {
            env.put("user_agent", userAgent);
        }
        String json = JsonText.of(env);
        return json.substring(0, json.length() - 1) + ",\"events\":[";
    }

    /** The configured traits that are scalars, as {@code {"name": {"value": ...}}} within GA4's limits. */
    private ObjectNode userProperties(JsonNode traits) {
        ObjectNode props = MAPPER.createObjectNode();
        for (Map.Entry<String, String> p : userProperties.entrySet()) {
            JsonNode v = traits.path(p.getKey());
            String key = p.getValue();
            if (v.isNumber()) {
                props.putObject(key).set("value", v);
            } else if (v.isTextual() && !v.asText().isEmpty()) {
                props.putObject(key).put("value", Ga4Events.cut(v.asText(), 36));
            } else if (v.isBoolean()) {
                props.putObject(key).put("value", v.asBoolean() ? "true" : "false");
            }
        }
        return props;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
