package io.drover.destinations.googleads;

import io.drover.destinations.SegmentEvents;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import io.drover.support.IsoTime;
import io.drover.destinations.api.Chunks;
import io.drover.destinations.api.Mapped;
import io.drover.destinations.Hashing;
import io.drover.destinations.api.GuardedHttp;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google Ads click conversions: {@code POST /{version}/customers/{customerId}:uploadClickConversions} with
 * {@code {"conversions":[...],"partialFailure":true}}, at most 2,000 conversions per request. Each selected event
 * (Order Completed by default) becomes one ClickConversion with its click id ({@code gclid}, else {@code gbraid},
 * else {@code wbraid} from {@code context.providers.google}), the conversion action, its time with offset, value,
 * currency and order id. A purchase that came from no Google ad click is not an error: it is left out and counted
 * ({@code drover_integration_filtered_total{reason="no_click_id"}}). With {@code userIdentifiers} on, the hashed
 * email and phone are added (enhanced conversions for leads), and a conversion with them but no click id is sent too.
 * <p>
 * Its token URL is checked by Drover's guard ({@link GuardedHttp}) when the module starts (a refused one stops the module,
 * which says why), before each token request and at the connection.
 */
public class GoogleAdsRequest extends ServiceSupport implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(GoogleAdsRequest.class);

    /** "Conversion Upload Service requests: 2,000 conversions per request". */
    static final int MAX_CONVERSIONS = 2_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** "yyyy-mm-dd hh:mm:ss+|-hh:mm"; {@code xxx} writes +00:00 where {@code XXX} would write Z. */
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx", Locale.ROOT).withZone(ZoneOffset.UTC);

    private String customerId;
    private String conversionAction;
    /** Segment event name → conversion action (resource name or id), for events with an action of their own. */
    private Map<String, String> conversionActions = Map.of();
    /** How long after Google's TOO_RECENT_EVENT the conversion is uploaded again ("Retry after 6 hours"). */
    private long tooRecentRetryMillis = java.time.Duration.ofHours(6).toMillis();
    private String developerToken;
    private String accessToken = "";
    private String clientId = "";
    private String clientSecret = "";
    private String refreshToken = "";
    private String tokenUrl = "https://oauth2.googleapis.com/token";
    private volatile GoogleOAuth oauth;
    private String loginCustomerId = "";
    private String apiVersion = "v26";
    private String baseUrl = "https://googleads.googleapis.com";
    private boolean userIdentifiers;
    private CamelContext camelContext;
    private volatile Map<String, String> headers;
    private volatile String url;

    /** The account the conversions are uploaded to ("123-456-7890" or "1234567890"). */
    public void setCustomerId(String customerId) {
        this.customerId = digits(customerId);
    }

    /** A conversion action's resource name ({@code customers/X/conversionActions/Y}) or just its id. */
    public void setConversionAction(String conversionAction) {
        this.conversionAction = conversionAction.trim();
    }

    /**
     * Conversion actions of their own for some events: {@code "Checkout Started=123,Signed Up=456"} (an id or a resource
     * name each); the events not named go to {@link #setConversionAction the conversion action}. Empty: none.
     */
    public void setConversionActions(String mapping) {
        Map<String, String> map = new LinkedHashMap<>();
        if (mapping != null) {
            for (String pair : mapping.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.lastIndexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new IllegalArgumentException("google-ads.conversion-actions takes 'Event Name=action id' pairs,"
                            + " comma-separated; got '" + pair.trim() + "'");
                }
                map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        this.conversionActions = Map.copyOf(map);
    }

    /** How long after Google answers TOO_RECENT_EVENT a conversion is uploaded again (a duration: 6h). */
    public void setTooRecentRetry(String duration) {
        this.tooRecentRetryMillis = io.drover.config.Settings.parseDuration(duration).toMillis();
    }

    public void setDeveloperToken(String developerToken) {
        this.developerToken = developerToken.trim();
    }

    /**
     * A fixed OAuth 2.0 access token with the adwords scope, used as is (it expires after about an hour): for running
     * the bean outside the module (tests, tools). The module gets tokens from the refresh token.
     */
    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken.trim();
    }

    /** The OAuth client (Google Cloud console) the refresh token was issued to. */
    public void setClientId(String clientId) {
        this.clientId = clientId.trim();
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret.trim();
    }

    /** A refresh token with the adwords scope: access tokens are made from it as they expire ({@link GoogleOAuth}). */
    public void setRefreshToken(String refreshToken) {
        this.refreshToken = refreshToken.trim();
    }

    public void setTokenUrl(String tokenUrl) {
        this.tokenUrl = tokenUrl.trim();
    }

    /** The manager account the access goes through, when there is one (empty: none). */
    public void setLoginCustomerId(String loginCustomerId) {
        this.loginCustomerId = digits(loginCustomerId);
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion.trim();
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.trim().replaceAll("/+$", "");
    }

    /** Add hashed email and phone to each conversion (enhanced conversions for leads; customer data terms needed). */
    public void setUserIdentifiers(boolean userIdentifiers) {
        this.userIdentifiers = userIdentifiers;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Started with its route, before the route reads any event: a refused token URL stops the module. */
    @Override
    protected void doStart() throws Exception {
        if (!accessToken.isEmpty()) {
            return;
        }
        try {
            GuardedHttp.of(camelContext).check("the token URL (" + GoogleOAuth.SETTING + ")", tokenUrl);
        } catch (java.net.UnknownHostException e) {
            if (GuardedHttp.isRefusal(e)) {
                throw e;
            }
            LOG.warn("Google Ads: the token URL's host {} does not resolve now; checked again at each token request",
                    e.getMessage());
        }
    }

    String url() {
        String u = url;
        if (u == null) {
            if (customerId == null || customerId.isEmpty()) {
                throw new IllegalStateException("Google Ads needs a customer id (GOOGLE_ADS_CUSTOMER_ID)");
            }
            u = baseUrl + "/" + apiVersion + "/customers/" + customerId + ":uploadClickConversions";
            url = u;
        }
        return u;
    }

    private Map<String, String> headers() {
        Map<String, String> h = headers;
        if (h == null) {
            if (developerToken == null || developerToken.isEmpty()) {
                throw new IllegalStateException("Google Ads needs a developer token (GOOGLE_ADS_DEVELOPER_TOKEN)");
            }
            h = new LinkedHashMap<>();
            h.put("Content-Type", "application/json");
            h.put("developer-token", developerToken);
            if (!loginCustomerId.isEmpty()) {
                h.put("login-customer-id", loginCustomerId);
            }
            headers = h = Map.copyOf(h);
        }
        return h;
    }

    /** The access token for this batch's requests: the fixed one, else one made from the refresh token. */
    private String accessToken() {
        if (!accessToken.isEmpty()) {
            return accessToken;
        }
        if (clientId.isEmpty() || clientSecret.isEmpty() || refreshToken.isEmpty()) {
            throw new IllegalStateException("Google Ads needs a refresh token with its OAuth client (GOOGLE_ADS_REFRESH_TOKEN,"
                    + " GOOGLE_ADS_CLIENT_ID, GOOGLE_ADS_CLIENT_SECRET)");
        }
        GoogleOAuth o = oauth;
        if (o == null) {
            oauth = o = new GoogleOAuth(tokenUrl, clientId, clientSecret, refreshToken, GuardedHttp.of(camelContext));
        }
        return o.token();
    }

    /**
     * Google's answer, read by {@link PartialFailureReader}; a 401 on a token kept for a while (revoked or expired
     * early) drops the token and is retried with a new one, where a fixed token or a fresh one refused is a dead letter.
     */
    private ResponseReader.Verdict read(int status, String answer, long retryAfter, VendorRequest request, String token) {
        GoogleOAuth o = oauth;
        if (status == 401 && accessToken.isEmpty() && o != null && o.refused(token)) {
            throw new DeliveryException("Google Ads refused the access token (401); retrying with a new one", status,
                    answer, true, 0);
        }
        return PartialFailureReader.read(status, answer, retryAfter, request, tooRecentRetryMillis);
    }

    /** The conversion action's resource name: given as is, or made from the customer id and the action id. */
    String conversionActionName() {
        return actionName(conversionAction);
    }

    /** The conversion action of a Segment event: its own when it has one, else the module's. */
    String conversionActionName(String event) {
        String own = conversionActions.get(event);
        return own == null ? conversionActionName() : actionName(own);
    }

    private String actionName(String action) {
        return action.contains("/") ? action : "customers/" + customerId + "/conversionActions/" + digits(action);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        String target = url();
        List<Mapped.Item<ObjectNode>> conversions = Mapped.each(events, Batch.of(exchange),
                e -> conversion(e, conversionActionName(e.path("event").asText(""))));
        List<VendorRequest> requests = new ArrayList<>();
        if (conversions.isEmpty()) {
            exchange.getIn().setBody(requests);
            return;
        }
        String token = accessToken();
        Map<String, String> headers = new LinkedHashMap<>(headers());
        headers.put("Authorization", "Bearer " + token);
        for (List<Mapped.Item<ObjectNode>> chunk : Chunks.of(conversions, MAX_CONVERSIONS, 0, 0, c -> 0).chunks()) {
            ObjectNode body = MAPPER.createObjectNode();
            ArrayNode array = body.putArray("conversions");
            List<ObjectNode> carried = new ArrayList<>(chunk.size());
            for (Mapped.Item<ObjectNode> c : chunk) {
                array.add(c.value());
                carried.add(c.event());
            }
            body.put("partialFailure", true);
            requests.add(new VendorRequest("POST", target, headers, body.toString(), carried,
                    (status, answer, retryAfter, request) -> read(status, answer, retryAfter, request, token)));
        }
        exchange.getIn().setBody(requests);
    }

    /** The ClickConversion of an event; left out ({@code no_click_id}) when nothing ties it to a Google ad click. */
    Mapped<ObjectNode> conversion(ObjectNode e, String action) {
        JsonNode google = e.path("context").path("providers").path("google");
        ObjectNode c = MAPPER.createObjectNode();
        boolean clicked = false;
        for (String clickId : new String[] {"gclid", "gbraid", "wbraid"}) {
            String v = text(google, clickId);
            if (v != null) {
                // only one of them may be set
                c.put(clickId, v);
                clicked = true;
                break;
            }
        }
        ArrayNode identifiers = userIdentifiers ? identifiers(e) : null;
        if (!clicked && (identifiers == null || identifiers.isEmpty())) {
            return Mapped.leftOut("no_click_id");
        }
        c.put("conversionAction", action);
        Instant time = IsoTime.parse(e.path("timestamp").asText(""));
        if (time != null) {
            c.put("conversionDateTime", DATE_TIME.format(time));
        }
        JsonNode p = e.path("properties");
        JsonNode value = value(p);
        if (value != null) {
            c.set("conversionValue", value);
        }
        String currency = text(p, "currency");
        if (currency != null) {
            c.put("currencyCode", currency.toUpperCase(Locale.ROOT));
        }
        String orderId = orderId(e.path("event").asText(""), text(p, "order_id"));
        if (orderId != null) {
            c.put("orderId", orderId);
        }
        if (identifiers != null && !identifiers.isEmpty()) {
            c.set("userIdentifiers", identifiers);
        }
        JsonNode advertising = e.path("context").path("consent").path("categoryPreferences").path("advertising");
        if (advertising.isBoolean()) {
            c.putObject("consent").put("adUserData", advertising.asBoolean() ? "GRANTED" : "DENIED");
        }
        return Mapped.to(c);
    }

    /** The Segment event that is the order: its conversion carries the order id as it is. */
    static final String ORDER_EVENT = SegmentEvents.ORDER_COMPLETED;

    /**
     * The conversion's order id. Google keeps one conversion per order id and conversion action ("Duplicate events,
     * whether based on order ID or click/call and conversion date combinations, will also result in errors"), so the
     * order's own id goes only on the order (Order Completed), and any other event that carries the order's id
     * (Checkout Started, ...) gets it suffixed with the event's name ({@code order-5001/checkout_started}): unique
     * whichever conversion action the event goes to, the same at every retry (Google dedupes Drover's re-sends), and
     * never the id of the real purchase.
     */
    static String orderId(String event, String orderId) {
        if (orderId == null || ORDER_EVENT.equals(event)) {
            return orderId;
        }
        String suffix = event.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        return suffix.isEmpty() ? orderId : orderId + "/" + suffix;
    }

    /** The order's value as Segment users expect it: {@code total}, else {@code revenue}, else {@code value}. */
    private static JsonNode value(JsonNode p) {
        for (String field : new String[] {"total", "revenue", "value"}) {
            if (p.path(field).isNumber()) {
                return p.path(field);
            }
        }
        return null;
    }

    /** Hashed email and phone from the event's traits, normalised as Google documents. */
    private static ArrayNode identifiers(ObjectNode e) {
        JsonNode traits = e.path("type").asText().equals("identify") ? e.path("traits") : e.path("context").path("traits");
        ArrayNode ids = MAPPER.createArrayNode();
        String email = Hashing.hash(text(traits, "email"), GoogleAdsRequest::email);
        if (email != null) {
            ids.addObject().put("hashedEmail", email);
        }
        String phone = Hashing.hash(text(traits, "phone"), Hashing::e164);
        if (phone != null) {
            ids.addObject().put("hashedPhoneNumber", phone);
        }
        return ids;
    }

    /**
     * Trimmed and lower-cased; for gmail.com and googlemail.com addresses the periods before the domain removed
     * ("Jane.Doe@Gmail.com" → "janedoe@gmail.com").
     */
    static String email(String raw) {
        String s = Hashing.email(raw);
        int at = s.lastIndexOf('@');
        if (at > 0) {
            String domain = s.substring(at + 1);
            if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
                s = s.substring(0, at).replace(".", "") + s.substring(at);
            }
        }
        return s;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText().trim() : null;
    }

    private static String digits(String s) {
        return s == null ? "" : s.replaceAll("[^0-9]", "");
    }
}
