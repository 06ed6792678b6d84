package io.drover.playbook;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A dotted path parsed once: {@code properties.products[].sku}, {@code a[0].b}, {@code context['page.url']}, or
 * {@code $} for the whole event. {@code []} stands for every element of an array.
 *
 * <p>Reading gives a "shaped" value: a {@link JsonNode} (or {@code null} when missing or JSON null) when the path has
 * no {@code []}, and one nested {@link List} per {@code []}, with {@code null} for an array that is missing. Writing
 * takes the same shape, so that {@code products[].sku -> contents[].id} maps element by element.
 */
final class FieldPath {

    /** One step of a path; {@code EACH} is {@code []}. */
    private record Segment(String key, int index) {
        static final Segment EACH = new Segment(null, -1);

        boolean isKey() {
            return key != null;
        }

        boolean isIndex() {
            return key == null && index >= 0;
        }
    }

    private final String text;
    private final Segment[] segments;
    private final int eachCount;

    private FieldPath(String text, List<Segment> segments) {
        this.text = text;
        this.segments = segments.toArray(Segment[]::new);
        this.eachCount = (int) segments.stream().filter(s -> s == Segment.EACH).count();
    }

    static FieldPath parse(String text, Where where) {
        if (text.equals("$")) {
            return new FieldPath(text, List.of());
        }
        if (text.startsWith("$.") || text.startsWith("$[")) {
            throw where.error("paths are written without '$.' (write '" + text.substring(2) + "')");
        }
        List<Segment> segments = new ArrayList<>();
        int i = 0;
        int n = text.length();
        boolean needName = true;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '[') {
                int close = closingBracket(text, i, where);
                segments.add(bracket(text, text.substring(i + 1, close), where));
                i = close + 1;
                needName = false;
            } else if (c == '.') {
                if (needName) {
                    throw where.error("bad path '" + text + "': empty name before '.'");
                }
                needName = true;
                i++;
            } else {
                if (!needName) {
                    throw where.error("bad path '" + text + "': expected '.' or '[' at position " + i);
                }
                int end = i;
                while (end < n && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    if (text.charAt(end) == ']') {
                        throw where.error("bad path '" + text + "': ']' without '['");
                    }
                    end++;
                }
                segments.add(new Segment(text.substring(i, end), -1));
                i = end;
                needName = false;
            }
        }
        if (needName) {
            throw where.error("bad path '" + text + "': " + (text.isEmpty() ? "empty" : "ends with '.'"));
        }
        return new FieldPath(text, segments);
    }

    private static int closingBracket(String text, int open, Where where) {
        int i = open + 1;
        if (i < text.length() && (text.charAt(i) == '\'' || text.charAt(i) == '"')) {
            int quote = text.indexOf(text.charAt(i), i + 1);
            if (quote < 0) {
                throw where.error("bad path '" + text + "': unclosed quote");
            }
            i = quote + 1;
        }
        int close = text.indexOf(']', i);
        if (close < 0) {
            throw where.error("bad path '" + text + "': '[' without ']'");
        }
        return close;
    }

    private static Segment bracket(String text, String inside, Where where) {
        if (inside.isEmpty()) {
            return Segment.EACH;
        }
        char first = inside.charAt(0);
        if ((first == '\'' || first == '"') && inside.length() >= 2 && inside.charAt(inside.length() - 1) == first) {
            return new Segment(inside.substring(1, inside.length() - 1), -1);
        }
        for (int i = 0; i < inside.length(); i++) {
            if (!Character.isDigit(inside.charAt(i))) {
                throw where.error("bad path '" + text + "': '[" + inside + "]' is neither [], an index nor a quoted name");
            }
        }
        try {
            return new Segment(null, Integer.parseInt(inside));
        } catch (NumberFormatException e) {
            throw where.error("bad path '" + text + "': index " + inside + " is too large");
        }
    }

    /** How many {@code []} the path has: the depth of the lists that {@link #read} returns. */
    int eachCount() {
        return eachCount;
    }

    boolean isRoot() {
        return segments.length == 0;
    }

    /** Output paths start with a name: the output is an object. */
    boolean startsWithName() {
        return segments.length > 0 && segments[0].isKey();
    }

    /** The shaped value at this path (see the class comment). */
    Object read(JsonNode root) {
        return read(root, 0);
    }

    private Object read(JsonNode node, int from) {
        for (int i = from; i < segments.length; i++) {
            if (node == null) {
                return null;
            }
            Segment s = segments[i];
            if (s == Segment.EACH) {
                if (!node.isArray()) {
                    return null;
                }
                List<Object> values = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    values.add(read(element, i + 1));
                }
                return values;
            }
            node = step(node, s);
        }
        return node == null || node.isNull() ? null : node;
    }

    /** Whether any value at this path (any element, for {@code []}) is present, not null, and passes {@code test}. */
    boolean anyValue(JsonNode root, Predicate<JsonNode> test) {
        return anyValue(root, 0, test);
    }

    private boolean anyValue(JsonNode node, int from, Predicate<JsonNode> test) {
        for (int i = from; i < segments.length; i++) {
            if (node == null) {
                return false;
            }
            Segment s = segments[i];
            if (s == Segment.EACH) {
                if (node.isArray()) {
                    for (JsonNode element : node) {
                        if (anyValue(element, i + 1, test)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            node = step(node, s);
        }
        return node != null && !node.isNull() && test.test(node);
    }

    /** The child a name or index segment leads to; {@code null} when there is none. */
    private static JsonNode step(JsonNode node, Segment s) {
        if (s.isKey()) {
            return node.isObject() ? node.get(s.key()) : null;
        }
        return node.isArray() ? node.get(s.index()) : null;
    }

    /**
     * Writes a shaped value under {@code root}, creating objects and arrays on the way. Nothing is written (nor
     * created) for a missing value; for a list, the array gets one element per item even where the item is missing,
     * so that several element-wise mappings into one array stay aligned. Containers are copied, never shared.
     *
     * @throws WriteConflict when the way is blocked by a value of another kind (a text where an object is needed)
     */
    void write(ObjectNode root, Object shaped) {
        if (segments.length == 0) {
            throw new IllegalStateException("cannot write to the whole output");
        }
        write(root, 0, shaped);
    }

    private void write(JsonNode parent, int i, Object shaped) {
        if (shaped == null) {
            return;
        }
        Segment s = segments[i];
        boolean last = i == segments.length - 1;
        if (s == Segment.EACH) {
            ArrayNode array = (ArrayNode) parent;
            List<?> items = (List<?>) shaped;
            for (int k = 0; k < items.size(); k++) {
                if (last) {
                    JsonNode value = items.get(k) == null ? NullNode.getInstance() : copy((JsonNode) items.get(k));
                    setElement(array, k, value);
                } else {
                    write(child(array, k, i, segments[i + 1].isKey()), i + 1, items.get(k));
                }
            }
            return;
        }
        if (!last) {
            write(child(parent, s, i, segments[i + 1].isKey()), i + 1, shaped);
        } else if (s.isKey()) {
            ((ObjectNode) parent).set(s.key(), copy((JsonNode) shaped));
        } else {
            setElement((ArrayNode) parent, s.index(), copy((JsonNode) shaped));
        }
    }

    /**
     * The object at this path under {@code root}, created (with the containers on the way) when absent.
     *
     * @throws WriteConflict when the way is blocked by a value of another kind
     */
    ObjectNode objectAt(ObjectNode root) {
        JsonNode node = root;
        for (int i = 0; i < segments.length; i++) {
            boolean wantObject = i == segments.length - 1 || segments[i + 1].isKey();
            node = child(node, segments[i], i, wantObject);
        }
        return (ObjectNode) node;
    }

    private JsonNode child(JsonNode parent, Segment s, int i, boolean wantObject) {
        return s.isKey() ? child((ObjectNode) parent, s.key(), i, wantObject) : child((ArrayNode) parent, s.index(), i, wantObject);
    }

    /** The container under {@code key} (segment {@code i}), created when absent. */
    private JsonNode child(ObjectNode parent, String key, int i, boolean wantObject) {
        JsonNode existing = parent.get(key);
        if (existing == null || existing.isNull()) {
            JsonNode created = container(wantObject);
            parent.set(key, created);
            return created;
        }
        return checked(existing, i, wantObject);
    }

    private JsonNode child(ArrayNode parent, int index, int i, boolean wantObject) {
        JsonNode existing = index < parent.size() ? parent.get(index) : null;
        if (existing == null || existing.isNull()) {
            JsonNode created = container(wantObject);
            setElement(parent, index, created);
            return created;
        }
        return checked(existing, i, wantObject);
    }

    private JsonNode checked(JsonNode existing, int i, boolean wantObject) {
        if (wantObject ? !existing.isObject() : !existing.isArray()) {
            throw new WriteConflict("'" + prefix(i) + "' already holds " + describe(existing) + ", not "
                    + (wantObject ? "an object" : "an array"));
        }
        return existing;
    }

    private static JsonNode container(boolean object) {
        return object ? JsonNodeFactory.instance.objectNode() : JsonNodeFactory.instance.arrayNode();
    }

    private static void setElement(ArrayNode array, int index, JsonNode value) {
        while (array.size() < index) {
            array.addNull();
        }
        if (index < array.size()) {
            array.set(index, value);
        } else {
            array.add(value);
        }
    }

    private static JsonNode copy(JsonNode value) {
        return value.isContainerNode() ? value.deepCopy() : value;
    }

    /** The path up to and including segment {@code i}, for messages. */
    private String prefix(int i) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k <= i; k++) {
            Segment s = segments[k];
            if (s.isKey()) {
                b.append(k == 0 ? "" : ".").append(s.key());
            } else {
                b.append(s.isIndex() ? "[" + s.index() + "]" : "[]");
            }
        }
        return b.toString();
    }

    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase();
        };
    }

    @Override
    public String toString() {
        return text;
    }

    /** The output already holds a value of another kind where a path needs to pass. */
    static final class WriteConflict extends RuntimeException {
        WriteConflict(String message) {
            super(message, null, false, false);
        }
    }
}
