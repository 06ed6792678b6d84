package io.drover.destinations.mixpanel;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.api.Chunks;
import io.drover.destinations.api.Mapped;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Mixpanel's Ingestion API: track, page and screen events go to {@code POST /import?strict=1&project_id=...} with
 * the service account in Basic auth (https://docs.mixpanel.com/reference/import-events); identify calls go to
 * {@code POST /engage?verbose=1} as profile {@code $set} updates carrying the project token
 * (https://docs.mixpanel.com/reference/profile-set). Each kind is cut into requests of at most 2,000 records and 2 MB.
 */
public class MixpanelRequest implements Processor {

    /** 2,000 records per request (/import and /engage); 1 MB per record. */
    static final int MAX_RECORDS = 2000;
    static final int MAX_RECORD_BYTES = 1_000_000;
    /** The reference says 10 MB for /import, its own sample 413 says 2 MB: the smaller is safe for both. */
    static final int MAX_BYTES = 2_000_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String baseUrl = "https://api.mixpanel.com";
    private String projectId;
    private String projectToken;
    private String serviceAccountUsername;
    private String serviceAccountSecret;
    private MixpanelEvents events;

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public void setProjectId(String projectId) {
        this.projectId = projectId;
    }

    public void setProjectToken(String projectToken) {
        this.projectToken = projectToken;
        this.events = new MixpanelEvents(projectToken);
    }

    public void setServiceAccountUsername(String serviceAccountUsername) {
        this.serviceAccountUsername = serviceAccountUsername;
    }

    public void setServiceAccountSecret(String serviceAccountSecret) {
        this.serviceAccountSecret = serviceAccountSecret;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        requireSettings();
        List<ObjectNode> selected = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        List<Item> imports = new ArrayList<>();
        List<Item> profiles = new ArrayList<>();
        for (Mapped.Item<ObjectNode> m : Mapped.each(selected, batch, events::map)) {
            Item item = new Item(m.event(), MAPPER.writeValueAsString(m.value()));
            if (item.bytes() > MAX_RECORD_BYTES) {
                batch.refuse(m.event(), "too_large", "the event is larger than Mixpanel's 1 MB per record ("
                        + item.bytes() + " bytes)");
            } else {
                ("identify".equals(m.event().path("type").asText()) ? profiles : imports).add(item);
            }
        }
        List<VendorRequest> requests = new ArrayList<>();
        String importUrl = baseUrl + "/import?strict=1&project_id=" + URLEncoder.encode(projectId, StandardCharsets.UTF_8);
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (serviceAccountUsername + ":" + serviceAccountSecret).getBytes(StandardCharsets.UTF_8));
        for (List<Item> chunk : chunks(imports)) {
            requests.add(request(importUrl, chunk, MixpanelAnswers.IMPORT).withHeader("Authorization", basic));
        }
        for (List<Item> chunk : chunks(profiles)) {
            requests.add(request(baseUrl + "/engage?verbose=1", chunk, MixpanelAnswers.ENGAGE));
        }
        exchange.getIn().setBody(requests);
    }

    private void requireSettings() {
        if (blank(projectId) || blank(projectToken) || blank(serviceAccountUsername) || blank(serviceAccountSecret)) {
            throw new IllegalStateException("Mixpanel needs its project id, project token and service account"
                    + " (MIXPANEL_PROJECT_ID, MIXPANEL_PROJECT_TOKEN, MIXPANEL_SERVICE_ACCOUNT_USERNAME,"
                    + " MIXPANEL_SERVICE_ACCOUNT_SECRET)");
        }
    }

    private static List<List<Item>> chunks(List<Item> items) {
        return Chunks.of(items, MAX_RECORDS, MAX_BYTES, 2, Item::bytes).chunks();
    }

    private static VendorRequest request(String url, List<Item> chunk, ResponseReader reader) {
        StringBuilder body = new StringBuilder("[");
        List<ObjectNode> carried = new ArrayList<>(chunk.size());
        for (Item item : chunk) {
            body.append(carried.isEmpty() ? "" : ",").append(item.json());
            carried.add(item.event());
        }
        body.append(']');
        return new VendorRequest("POST", url, Map.of("Content-Type", "application/json"), body.toString(), carried, reader);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** A selected event and its Mixpanel JSON, measured once. */
    private record Item(ObjectNode event, String json, int bytes) {
        Item(ObjectNode event, String json) {
            this(event, json, json.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
