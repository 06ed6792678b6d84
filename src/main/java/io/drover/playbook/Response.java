package io.drover.playbook;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

/**
 * How a playbook reads the vendor's answer when its status does not tell the whole story (the playbook's
 * {@code response} block): a 2xx whose body says the request failed ({@code fail}), or a 2xx that answers each event
 * of the batch in order and refuses some ({@code rejectEach}, as LinkedIn's BATCH_CREATE does). Any other status is
 * read as for every vendor (design.md: 429 and 5xx retried, other 4xx dead-lettered). Compiled once; the conditions
 * are the filters' conditions, on the answer's JSON.
 */
final class Response implements ResponseReader {

    private record Fail(Condition when, FieldPath reason, Condition retryWhen) {
    }

    private record RejectEach(FieldPath elements, Condition when, FieldPath reason) {
    }

    private final Fail fail;
    private final RejectEach rejectEach;

    private Response(Fail fail, RejectEach rejectEach) {
        this.fail = fail;
        this.rejectEach = rejectEach;
    }

    static Response compile(YamlNode node) {
        Map<String, YamlNode> keys = node.object("fail", "rejectEach");
        if (keys.isEmpty()) {
            throw node.where().error("needs 'fail' or 'rejectEach' (or both)");
        }
        Fail fail = null;
        if (keys.containsKey("fail")) {
            Map<String, YamlNode> f = keys.get("fail").object("when", "reason", "retryWhen");
            fail = new Fail(when(keys.get("fail"), f), path(f.get("reason")),
                    f.containsKey("retryWhen") ? Condition.compile(f.get("retryWhen")) : null);
        }
        RejectEach each = null;
        if (keys.containsKey("rejectEach")) {
            Map<String, YamlNode> r = keys.get("rejectEach").object("elements", "when", "reason");
            if (!r.containsKey("elements")) {
                throw keys.get("rejectEach").where().error("'elements' is required (the path to the array that answers"
                        + " each event of the request, in order)");
            }
            each = new RejectEach(path(r.get("elements")), when(keys.get("rejectEach"), r), path(r.get("reason")));
        }
        return new Response(fail, each);
    }

    private static Condition when(YamlNode owner, Map<String, YamlNode> keys) {
        if (!keys.containsKey("when")) {
            throw owner.where().error("'when' is required (a condition on the answer, e.g. {path: code, notEquals: 0})");
        }
        return Condition.compile(keys.get("when"));
    }

    private static FieldPath path(YamlNode node) {
        return node == null ? null : FieldPath.parse(node.name(), node.where());
    }

    @Override
    public Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        if (status < 200 || status >= 300) {
            return STATUS.read(status, body, retryAfterMillis, request);
        }
        JsonNode answer;
        try {
            answer = body == null || body.isBlank() ? null : YamlNode.JSON.readTree(body);
        } catch (IOException e) {
            answer = null; // not JSON: nothing to read beyond the status
        }
        if (answer == null) {
            return Verdict.DELIVERED;
        }
        if (fail != null && fail.when().test(answer)) {
            boolean retry = fail.retryWhen() != null && fail.retryWhen().test(answer);
            throw new DeliveryException("the vendor answered " + status + " but reported failure" + words(answer,
                    fail.reason()), status, body, retry, retry ? Math.max(retryAfterMillis, 0) : 0);
        }
        if (rejectEach == null) {
            return Verdict.DELIVERED;
        }
        Object elements = rejectEach.elements().read(answer);
        if (!(elements instanceof JsonNode list) || !list.isArray()) {
            return Verdict.DELIVERED;
        }
        List<ObjectNode> events = request.events();
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        for (int i = 0; i < Math.min(list.size(), events.size()); i++) {
            if (rejectEach.when().test(list.get(i))) {
                rejected.put(events.get(i), "the vendor refused the event" + words(list.get(i), rejectEach.reason()));
            }
        }
        return rejected.isEmpty() ? Verdict.DELIVERED : Verdict.partial(rejected, true);
    }

    private static String words(JsonNode answer, FieldPath reason) {
        if (reason == null) {
            return "";
        }
        Object said = reason.read(answer);
        return said instanceof JsonNode n && !n.isNull() ? ": " + (n.isTextual() ? n.textValue() : n.toString()) : "";
    }
}
