package io.drover.playbook;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The transforms a mapping can chain, compiled once from YAML: a bare name ({@code lowercase}) or a name with its
 * argument ({@code {round: 2}}). Every transform but {@code join} works on scalars and, given an array, on each of
 * its elements, so {@code [trim, lowercase, sha256]} hashes a list of emails as well as one email.
 */
final class Transforms {

    static final List<String> NAMES = List.of("lowercase", "uppercase", "trim", "sha256", "toString", "toFloat",
            "toInteger", "toBoolean", "round", "join", "split", "replace", "substring", "truncate", "hash", "truncateFloat",
            "pluck", "wrap", "sum");

    /** The digests {@code {hash: ...}} offers: those vendors ask for (Meta, Reddit, LinkedIn: sha256; some: md5). */
    static final List<String> HASHES = List.of("md5", "sha1", "sha256", "sha512");

    private static final MessageDigest SHA256 = sha256Prototype();
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Transforms() {
    }

    /** A compiled transform with its place, for failure messages: {@code transforms[1] (toInteger)}. */
    record Named(String label, Transform transform) {
    }

    static List<Named> compile(YamlNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<Named> chain = new ArrayList<>();
        for (YamlNode item : node.list()) {
            String name;
            YamlNode arg = null;
            if (item.isMap()) {
                Map<String, YamlNode> entries = item.entries();
                if (entries.size() != 1) {
                    throw item.where().error("a transform is a name (lowercase) or one name with its argument ({round: 2})");
                }
                name = entries.keySet().iterator().next();
                arg = entries.get(name);
            } else {
                name = item.text();
            }
            if (!NAMES.contains(name)) {
                throw item.where().error("unknown transform '" + name + "' (known: " + String.join(", ", NAMES) + ")");
            }
            String label = item.where().path().substring(item.where().path().lastIndexOf('.') + 1) + " (" + name + ")";
            chain.add(new Named(label, transform(name, arg, item.where())));
        }
        return List.copyOf(chain);
    }

    private static Transform transform(String name, YamlNode arg, Where where) {
        switch (name) {
            case "round" -> {
                return round(arg == null ? 0 : arg.integer(0));
            }
            case "join", "split", "replace", "substring", "truncate", "hash", "truncateFloat", "pluck", "wrap" -> {
                if (arg == null) {
                    throw where.error(name + " needs an argument, e.g. " + example(name));
                }
                return withArgument(name, arg);
            }
            default -> {
                if (arg != null) {
                    throw where.error(name + " takes no argument (write it as a bare name: - " + name + ")");
                }
                return simple(name);
            }
        }
    }

    private static String example(String name) {
        return switch (name) {
            case "join" -> "{join: \", \"}";
            case "split" -> "{split: \",\"}";
            case "replace" -> "{replace: {pattern: \"[^0-9]\", replacement: \"\"}}";
            case "substring" -> "{substring: {start: 0, end: 10}}";
            case "hash" -> "{hash: sha256}";
            case "truncateFloat" -> "{truncateFloat: 2}";
            case "pluck" -> "{pluck: sku}";
            case "wrap" -> "{wrap: {key: idValue, with: {idType: SHA256_EMAIL}}}";
            default -> "{truncate: 100}";
        };
    }

    private static Transform simple(String name) {
        return switch (name) {
            case "lowercase" -> text(s -> s.toLowerCase(Locale.ROOT));
            case "uppercase" -> text(s -> s.toUpperCase(Locale.ROOT));
            case "trim" -> text(String::strip);
            case "sha256" -> elementwise(v -> sha256(Scalars.text(v)));
            case "toString" -> toText();
            case "toFloat" -> elementwise(Transforms::toFloat);
            case "toInteger" -> elementwise(Transforms::toInteger);
            case "toBoolean" -> elementwise(Transforms::toBoolean);
            case "sum" -> Transforms::sum;
            default -> throw new IllegalStateException(name);
        };
    }

    private static Transform withArgument(String name, YamlNode arg) {
        switch (name) {
            case "join" -> {
                return join(arg.text());
            }
            case "split" -> {
                String separator = arg.text();
                if (separator.isEmpty()) {
                    throw arg.where().error("the separator must not be empty");
                }
                return elementwise(v -> split(Scalars.text(v), separator));
            }
            case "replace" -> {
                Map<String, YamlNode> keys = arg.object("pattern", "replacement");
                if (!keys.containsKey("pattern")) {
                    throw arg.where().error("'pattern' is required (a regular expression)");
                }
                Pattern pattern = Condition.pattern(keys.get("pattern"));
                String replacement = keys.containsKey("replacement") ? keys.get("replacement").text() : "";
                checkGroups(pattern, replacement, keys.getOrDefault("replacement", arg));
                return text(s -> pattern.matcher(s).replaceAll(replacement));
            }
            case "substring" -> {
                Map<String, YamlNode> keys = arg.object("start", "end");
                int start = keys.containsKey("start") ? keys.get("start").integer(0) : 0;
                int end = keys.containsKey("end") ? keys.get("end").integer(start) : Integer.MAX_VALUE;
                return text(s -> codePoints(s, start, end));
            }
            case "truncate" -> {
                int length = arg.integer(0);
                return text(s -> codePoints(s, 0, length));
            }
            case "hash" -> {
                String algorithm = arg.text();
                if (!HASHES.contains(algorithm)) {
                    throw arg.where().error("unknown hash '" + algorithm + "' (known: " + String.join(", ", HASHES) + ")");
                }
                if (algorithm.equals("sha256")) {
                    return simple("sha256");
                }
                MessageDigest prototype = digest(algorithm);
                return elementwise(v -> hash(prototype, Scalars.text(v)));
            }
            case "truncateFloat" -> {
                int digits = arg.integer(0);
                return elementwise(v -> {
                    BigDecimal cut = numberOrFail(v).setScale(digits, RoundingMode.DOWN);
                    return digits == 0 ? whole(cut) : DoubleNode.valueOf(cut.doubleValue());
                });
            }
            case "pluck" -> {
                String key = arg.text();
                if (key.isEmpty()) {
                    throw arg.where().error("the key to pluck must not be empty");
                }
                return pluck(key);
            }
            case "wrap" -> {
                Map<String, YamlNode> keys = arg.object("key", "with");
                if (!keys.containsKey("key")) {
                    throw arg.where().error("'key' is required (the name the value gets in the object)");
                }
                String key = keys.get("key").text();
                ObjectNode with = JsonNodeFactory.instance.objectNode();
                if (keys.containsKey("with")) {
                    keys.get("with").entries(); // a mapping, or a clear error
                    with = (ObjectNode) keys.get("with").json();
                }
                ObjectNode constant = with;
                return elementwise(v -> constant.deepCopy().set(key, v));
            }
            default -> throw new IllegalStateException(name);
        }
    }

    /** An array's numbers added up (nulls skipped), e.g. the quantities of the products; a number stays itself. */
    private static JsonNode sum(JsonNode v) {
        if (!v.isArray()) {
            numberOrFail(v);
            return v;
        }
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode element : v) {
            if (!element.isNull()) {
                total = total.add(numberOrFail(element));
            }
        }
        return total.stripTrailingZeros().scale() <= 0 ? whole(total) : DoubleNode.valueOf(total.doubleValue());
    }

    /** {@code {pluck: sku}}: the key's value of each object of an array (missing ones left out), or of one object. */
    private static Transform pluck(String key) {
        return v -> {
            if (v.isObject()) {
                JsonNode found = v.get(key);
                return found == null || found.isNull() ? null : found;
            }
            if (!v.isArray()) {
                throw new Transform.Failure("cannot pluck from " + FieldPath.describe(v));
            }
            ArrayNode out = JsonNodeFactory.instance.arrayNode(v.size());
            for (JsonNode element : v) {
                JsonNode found = element.isObject() ? element.get(key) : null;
                if (found != null && !found.isNull()) {
                    out.add(found);
                }
            }
            return out;
        };
    }

    /** Hex digest with another algorithm than sha256; as sha256, an empty string is no value. */
    private static JsonNode hash(MessageDigest prototype, String s) {
        if (s.isEmpty()) {
            return null;
        }
        MessageDigest digest;
        try {
            digest = (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        return TextNode.valueOf(java.util.HexFormat.of().formatHex(digest.digest(s.getBytes(StandardCharsets.UTF_8))));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "md5" -> "MD5";
                case "sha1" -> "SHA-1";
                default -> "SHA-512";
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }

    /** {@code $2} in a replacement needs a second group: say so now rather than on every event. */
    private static void checkGroups(Pattern pattern, String replacement, YamlNode where) {
        int groups = pattern.matcher("").groupCount();
        Matcher refs = Pattern.compile("(?<!\\\\)\\$(\\d)").matcher(replacement);
        while (refs.find()) {
            if (Integer.parseInt(refs.group(1)) > groups) {
                throw where.where().error("the replacement refers to group $" + refs.group(1) + " but the pattern has "
                        + groups + " group(s)");
            }
        }
    }

    /** Applies {@code f} to a scalar, or to each element of an array (null elements stay null); objects fail. */
    private static Transform elementwise(Function<JsonNode, JsonNode> f) {
        return new Transform() {
            @Override
            public JsonNode apply(JsonNode value) {
                if (value.isArray()) {
                    ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
                    for (JsonNode element : value) {
                        JsonNode result = element.isNull() ? null : apply(element);
                        out.add(result == null ? NullNode.getInstance() : result);
                    }
                    return out;
                }
                if (value.isObject()) {
                    throw new Transform.Failure("cannot transform an object");
                }
                return f.apply(value);
            }
        };
    }

    /** A text transform; numbers and booleans are taken as their text (the result is a string). */
    private static Transform text(Function<String, String> f) {
        return elementwise(v -> TextNode.valueOf(f.apply(Scalars.text(v))));
    }

    private static Transform toText() {
        Transform scalars = elementwise(v -> TextNode.valueOf(Scalars.text(v)));
        return v -> v.isObject() ? TextNode.valueOf(v.toString()) : scalars.apply(v);
    }

    /**
     * Normalised values are hashed, already-hashed ones (64 hex digits) are kept as they are: never hash twice. An
     * empty string has no hash worth sending (vendors read it as a wrong match key): it counts as no value.
     */
    private static JsonNode sha256(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (isSha256Hex(s)) {
            return TextNode.valueOf(s);
        }
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        byte[] hash = digest.digest(s.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(64);
        for (byte b : hash) {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return TextNode.valueOf(hex.toString());
    }

    static boolean isSha256Hex(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256Prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static BigDecimal numberOrFail(JsonNode v) {
        BigDecimal n = Scalars.number(v);
        if (n == null) {
            throw new Transform.Failure("cannot convert " + FieldPath.describe(v)
                    + (v.isTextual() ? " that is not a number" : ""));
        }
        return n;
    }

    private static JsonNode toFloat(JsonNode v) {
        return DoubleNode.valueOf(numberOrFail(v).doubleValue());
    }

    /** Drops the fraction (toward zero), as most languages' int() do; use round to round. */
    private static JsonNode toInteger(JsonNode v) {
        return whole(numberOrFail(v).setScale(0, RoundingMode.DOWN));
    }

    private static JsonNode whole(BigDecimal n) {
        if (n.compareTo(LONG_MIN) < 0 || n.compareTo(LONG_MAX) > 0) {
            throw new Transform.Failure("the number is too large for an integer");
        }
        return LongNode.valueOf(n.longValueExact());
    }

    private static JsonNode toBoolean(JsonNode v) {
        if (v.isBoolean()) {
            return v;
        }
        if (v.isNumber()) {
            return BooleanNode.valueOf(numberOrFail(v).signum() != 0);
        }
        return switch (v.textValue().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> BooleanNode.TRUE;
            case "false", "no", "0" -> BooleanNode.FALSE;
            default -> throw new Transform.Failure("cannot convert a string other than true/false/yes/no/1/0");
        };
    }

    /** Half up; {@code round: 0} gives an integer. */
    private static Transform round(int digits) {
        return elementwise(v -> {
            BigDecimal rounded = numberOrFail(v).setScale(digits, RoundingMode.HALF_UP);
            return digits == 0 ? whole(rounded) : DoubleNode.valueOf(rounded.doubleValue());
        });
    }

    /** An array's scalars joined into one string (nulls skipped); a scalar becomes its text. */
    private static Transform join(String separator) {
        return v -> {
            if (!v.isArray()) {
                if (v.isObject()) {
                    throw new Transform.Failure("cannot join an object");
                }
                return TextNode.valueOf(Scalars.text(v));
            }
            StringBuilder joined = new StringBuilder();
            for (JsonNode element : v) {
                if (element.isNull()) {
                    continue;
                }
                String text = Scalars.text(element);
                if (text == null) {
                    throw new Transform.Failure("cannot join " + FieldPath.describe(element) + " inside the array");
                }
                joined.append(joined.length() == 0 ? "" : separator).append(text);
            }
            return TextNode.valueOf(joined.toString());
        };
    }

    /** Splits on a literal separator (not a regular expression), keeping empty parts. */
    private static JsonNode split(String s, String separator) {
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        int from = 0;
        int at;
        while ((at = s.indexOf(separator, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + separator.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** Characters {@code start} (inclusive) to {@code end} (exclusive), counted in code points, clamped to the text. */
    private static String codePoints(String s, int start, int end) {
        int count = s.codePointCount(0, s.length());
        int from = Math.min(start, count);
        int to = Math.max(from, Math.min(end, count));
        return s.substring(s.offsetByCodePoints(0, from), s.offsetByCodePoints(0, to));
    }
}
