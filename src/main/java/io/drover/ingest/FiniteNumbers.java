package io.drover.ingest;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Refuses a number that JSON allows but no vendor can take: beyond a double's range ({@code 1e309}), it becomes
 * {@code Infinity} in every vendor's parser, and Pinterest then refused the whole batch, up to 1,000 other users'
 * events, while Meta got {@code "value":"Infinity"}. Drover keeps numbers exactly as sent otherwise.
 */
final class FiniteNumbers {

    private FiniteNumbers() {
    }

    /** Throws a 400 naming the field of the first number out of range. */
    static void require(JsonNode message, String where) {
        if (hasInfinite(message)) {
            // Only now is the field's path built: the walk of every message allocates nothing.
            throw IngestException.badRequest("invalid_number", where + "'" + pathOfInfinite(message, "")
                    + "' is a number beyond what vendors can take (at most about 1.8e308 in magnitude)");
        }
    }

    private static boolean isInfinite(JsonNode node) {
        return (node.isFloatingPointNumber() || node.isBigInteger()) && !Double.isFinite(node.doubleValue());
    }

    private static boolean hasInfinite(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasInfinite(child)) {
                    return true;
                }
            }
            return false;
        }
        return isInfinite(node);
    }

    private static String pathOfInfinite(JsonNode node, String path) {
        if (isInfinite(node)) {
            return path;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String found = pathOfInfinite(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = pathOfInfinite(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
