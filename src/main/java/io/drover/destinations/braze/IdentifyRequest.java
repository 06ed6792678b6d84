package io.drover.destinations.braze;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

import static io.drover.destinations.SegmentFields.text;

/**
 * Braze's alias merge: an identify that names both ids makes the anonymous alias profile (where Drover wrote the
 * user's events before the login, {@code {alias_name: anonymousId, alias_label: "anonymous_id"}}) part of the
 * identified one, {@code POST /users/identify} with {@code aliases_to_identify}
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_identify: up to 50 aliases a request; the alias-only
 * profile's attributes, events and purchases are merged, and it is removed; the API key needs {@code users.identify}).
 *
 * <p>It goes after the batch's {@code /users/track} requests, so that anonymous events of the same batch are in the
 * alias profile before it is merged. The identify is carried by both calls and counts as delivered once both
 * succeeded; while it is open a retry sends both (attributes are written again, the same; a merge already done is
 * not done twice: Braze keeps one alias per label). A 400 for the merge dead-letters its identifies with Braze's
 * answer, and the batch's other events go on without them.
 */
final class IdentifyRequest {

    /** Braze: "You can add up to 50 user aliases per request". */
    static final int MAX_ALIASES = 50;

    private IdentifyRequest() {
    }

    /** The identifies among these events that name both ids, in requests of at most 50 aliases. */
    static List<VendorRequest> of(List<ObjectNode> identifies, String url, String authorization) {
        List<VendorRequest> requests = new ArrayList<>();
        Map<String, List<ObjectNode>> byPair = new LinkedHashMap<>();
        for (ObjectNode e : identifies) {
            String userId = text(e, "userId");
            String anonymousId = text(e, "anonymousId");
            // Blank ids count as none, as BrazeMapping names a user: the merge names the same two profiles.
            if ("identify".equals(text(e, "type")) && userId != null && anonymousId != null) {
                // One alias per pair: an identify sent twice in a batch merges once.
                byPair.computeIfAbsent(userId + '\u0000' + anonymousId, k -> new ArrayList<>()).add(e);
            }
        }
        List<List<ObjectNode>> pairs = new ArrayList<>(byPair.values());
        for (int from = 0; from < pairs.size(); from += MAX_ALIASES) {
            List<List<ObjectNode>> chunk = pairs.subList(from, Math.min(pairs.size(), from + MAX_ALIASES));
            ArrayNode aliases = JsonNodeFactory.instance.arrayNode();
            List<ObjectNode> carried = new ArrayList<>();
            for (List<ObjectNode> events : chunk) {
                ObjectNode first = events.get(0);
                ObjectNode alias = aliases.addObject().put("external_id", text(first, "userId"));
                alias.putObject("user_alias").put("alias_name", text(first, "anonymousId"))
                        .put("alias_label", BrazeMapping.ALIAS_LABEL);
                carried.addAll(events);
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("aliases_to_identify", aliases);
            requests.add(new VendorRequest("POST", url, TrackRequest.headers(authorization), body.toString(), carried,
                    READER));
        }
        return requests;
    }

    /**
     * 2xx: merged (Braze's non-fatal errors, such as an alias that is already merged, are not failures). 400: Braze
     * refused the merge's content, so its identifies are dead-lettered with the answer (the batch's other events are
     * not in this call). Anything else fails the call as every request's status does (401, 429, 5xx).
     */
    static final ResponseReader READER = (status, body, retryAfterMillis, request) -> {
        if (status >= 200 && status < 300) {
            return ResponseReader.Verdict.DELIVERED;
        }
        if (status == 400) {
            Map<ObjectNode, String> refused = new IdentityHashMap<>();
            String reason = "Braze refused the alias merge (/users/identify, 400): " + clip(body);
            request.events().forEach(e -> refused.put(e, reason));
            return ResponseReader.Verdict.partial(refused, true);   // it carried nothing else
        }
        throw DeliveryException.answered(status, body, retryAfterMillis);
    };

    private static String clip(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
