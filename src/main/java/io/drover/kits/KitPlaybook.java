package io.drover.kits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * A kit's {@code playbook.json}, compiled once: its {@code global} section for every event, then
 * {@code eventSpecific.<name>} for the event's name, else {@code default}. The name is a track's {@code event} in
 * lower case with spaces as underscores ({@code Order Completed} is {@code order_completed}), else the type
 * ({@code page}, {@code identify}, ...). Filters of both sections first; then, per section, mappings, enrichments,
 * spreadings, expressions. Lua sees the whole event as {@code input}. The vendor event is built as a Lua table (the
 * connection's transform takes a batch of them).
 */
final class KitPlaybook {

    enum Outcome { TRANSFORMED, DROPPED, FAILED }

    /** What the playbook made of one event: the vendor event, or why there is none. */
    /** What the playbook made of one event; {@code name}: the event's name, as the connection's requests are chosen. */
    record Result(Outcome outcome, LuaTable output, String reason, String name) {
    }

    /** What a step does to one event. */
    interface Step {
        void apply(Run run);
    }

    /** One event going through: the sandbox, the event as Lua, the vendor event. */
    static final class Run {
        final LuaSandbox lua;
        final LuaTable input;
        /** Sized for a vendor event's top-level keys (a table that grows is rehashed at each power of two). */
        final LuaTable output = new LuaTable(0, 8);

        Run(LuaSandbox lua, LuaTable input) {
            this.lua = lua;
            this.input = input;
        }
    }

    /** A failure of one event at a named place of the kit (the Lua error included). */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private record Filter(String place, boolean allow, Set<String> events, Condition when) {
    }

    interface Condition {
        boolean holds(LuaTable input);
    }

    private record Section(String place, List<Filter> filters, List<Step> steps) {
    }

    private final String kit;
    private final Section global;
    private final Section fallback;
    private final java.util.Map<String, Section> specific = new java.util.HashMap<>();
    private final LuaSandbox.Bounds bounds;

    KitPlaybook(String kit, JsonNode playbook, LuaSandbox.Bounds bounds) {
        this.kit = kit;
        this.bounds = bounds;
        this.global = section("global", playbook.path("global"));
        this.fallback = section("default", playbook.path("default"));
        playbook.path("eventSpecific").fields().forEachRemaining(f ->
                specific.put(f.getKey(), section("eventSpecific." + f.getKey(), f.getValue())));
    }

    /** MetaRouter's name of an event, as its eventSpecific sections and byEventNames filters spell it. */
    static String eventName(LuaTable input) {
        LuaValue type = input.rawget(TYPE);
        if (type.type() != LuaValue.TSTRING) {
            return type.isstring() ? type.tojstring() : "";
        }
        LuaValue event = input.rawget(EVENT);
        if (TRACK.raweq(type) && event.isstring()) {
            LuaString e = event.checkstring();
            String name = NAMES.get(e);
            if (name == null) {
                name = e.tojstring().toLowerCase(Locale.ROOT).replace(' ', '_');
                if (NAMES.size() < 10_000 && e.length() <= 128) {
                    NAMES.putIfAbsent(e, name);
                }
            }
            return name;
        }
        return LuaJson.name(type.checkstring());
    }

    private static final LuaString TYPE = LuaString.valueOf("type");
    private static final LuaString EVENT = LuaString.valueOf("event");
    private static final LuaString TRACK = LuaString.valueOf("track");
    /** A track's name as MetaRouter spells it, by its event: a few dozen names, each lower-cased once. */
    private static final java.util.concurrent.ConcurrentHashMap<LuaString, String> NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    Result apply(LuaSandbox lua, LuaTable input) {
        String name = eventName(input);
        Section section = specific.getOrDefault(name, fallback);
        String dropped = filter(global, name, input);
        if (dropped == null) {
            dropped = filter(section, name, input);
        }
        if (dropped != null) {
            return new Result(Outcome.DROPPED, null, dropped, name);
        }
        Run run = new Run(lua, input);
        try {
            for (Step s : global.steps()) {
                s.apply(run);
            }
            for (Step s : section.steps()) {
                s.apply(run);
            }
        } catch (Failure e) {
            return new Result(Outcome.FAILED, null, e.getMessage(), name);
        }
        return new Result(Outcome.TRANSFORMED, run.output, null, name);
    }

    private static String filter(Section section, String name, LuaTable input) {
        for (Filter f : section.filters()) {
            boolean holds = f.events() != null ? f.events().contains(name) : f.when().holds(input);
            if (holds != f.allow()) {
                return (f.allow() ? "not allowed by " : "denied by ") + f.place();
            }
        }
        return null;
    }

    // ---- compiling ------------------------------------------------------------------------------------------------

    private Section section(String place, JsonNode node) {
        List<Filter> filters = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return new Section(place, filters, steps);
        }
        for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("filters", "mappings", "enrichments", "spreadings", "expressions").contains(key)) {
                throw new IllegalArgumentException(kit + ": " + place + ": unknown key '" + key + "'");
            }
        }
        int i = 0;
        for (JsonNode f : node.path("filters")) {
            filters.add(filter(place + ".filters[" + i++ + "]", f));
        }
        i = 0;
        for (JsonNode m : node.path("mappings")) {
            steps.add(mapping(place + ".mappings[" + i++ + "]", m));
        }
        i = 0;
        for (JsonNode e : node.path("enrichments")) {
            steps.add(enrichment(place + ".enrichments[" + i++ + "]", e));
        }
        i = 0;
        for (JsonNode s : node.path("spreadings")) {
            steps.add(spreading(place + ".spreadings[" + i++ + "]", s));
        }
        i = 0;
        for (JsonNode e : node.path("expressions")) {
            steps.add(sectionExpression(place + ".expressions[" + i++ + "]", e));
        }
        return new Section(place, filters, steps);
    }

    private Filter filter(String place, JsonNode f) {
        if (f.has("byEventNames")) {
            JsonNode b = f.get("byEventNames");
            Set<String> events = new HashSet<>();
            b.path("events").forEach(e -> events.add(e.asText()));
            return new Filter(place + " (byEventNames)", allow(place, b), events, null);
        }
        if (f.has("byConditions")) {
            JsonNode b = f.get("byConditions");
            return new Filter(place + " (byConditions)", allow(place, b), null, condition(place + ".when", b.path("when")));
        }
        throw new IllegalArgumentException(kit + ": " + place + ": unknown filter " + f.fieldNames().next());
    }

    private boolean allow(String place, JsonNode b) {
        String action = b.path("action").asText();
        if (!action.equals("allow") && !action.equals("deny")) {
            throw new IllegalArgumentException(kit + ": " + place + ": action must be allow or deny");
        }
        return action.equals("allow");
    }

    private Condition condition(String place, JsonNode c) {
        if (!c.isObject() || c.size() != 1) {
            throw new IllegalArgumentException(kit + ": " + place + ": a condition is an object with one key");
        }
        String op = c.fieldNames().next();
        JsonNode a = c.get(op);
        LuaString[] path = path(a.path("inputPath").asText());
        switch (op) {
            case "matchesAll":
            case "matchesAny": {
                List<Condition> all = new ArrayList<>();
                int i = 0;
                for (JsonNode sub : a.path("conditions")) {
                    all.add(condition(place + "." + op + ".conditions[" + i++ + "]", sub));
                }
                boolean any = op.equals("matchesAny");
                return in -> {
                    for (Condition s : all) {
                        if (s.holds(in) == any) {
                            return any;
                        }
                    }
                    return !any;
                };
            }
            case "inputPathExists":
                return in -> !read(in, path).isnil();
            case "inputPathIsObject":
                return in -> read(in, path).istable();
            case "inputPathIsString":
                return in -> read(in, path).type() == LuaValue.TSTRING;
            case "stringEqual":
            case "stringNotEqual": {
                boolean ignoreCase = a.path("ignoreCase").asBoolean(false);
                String value = a.path("value").asText();
                boolean equal = op.equals("stringEqual");
                // A missing value is not a string: it equals nothing and is "not equal" to nothing either.
                return in -> {
                    LuaValue v = read(in, path);
                    if (!v.isstring()) {
                        return false;
                    }
                    String s = v.tojstring();
                    return (ignoreCase ? s.equalsIgnoreCase(value) : s.equals(value)) == equal;
                };
            }
            case "booleanEqual": {
                boolean value = a.path("value").asBoolean();
                return in -> {
                    LuaValue v = read(in, path);
                    return v.isboolean() && v.toboolean() == value;
                };
            }
            default:
                throw new IllegalArgumentException(kit + ": " + place + ": unknown condition '" + op + "'");
        }
    }

    private Step mapping(String place, JsonNode m) {
        String inputKey = m.path("inputKey").asText();
        String outputKey = m.path("outputKey").asText();
        if (outputKey.isEmpty()) {
            throw new IllegalArgumentException(kit + ": " + place + ": outputKey is required");
        }
        String where = place + " (" + inputKey + " -> " + outputKey + ")";
        LuaString[] in = inputKey.equals("input") ? null : path(inputKey);
        LuaString[] out = path(outputKey);
        LuaValue fallback = defaultValue(m);
        List<Transform> transforms = new ArrayList<>();
        int i = 0;
        for (JsonNode t : m.path("transforms")) {
            transforms.add(transform(where + ".transforms[" + i++ + "]", t));
        }
        return run -> {
            LuaValue v = in == null ? run.input : read(run.input, in);
            if (!v.isnil()) {
                for (Transform t : transforms) {
                    v = t.apply(run, v);
                    if (v.isnil()) {
                        break;
                    }
                }
            }
            if (v.isnil()) {
                v = fallback;
            }
            if (!v.isnil()) {
                write(run.output, out, v);
            }
        };
    }

    private static LuaValue defaultValue(JsonNode m) {
        if (m.has("defaultString")) {
            return LuaValue.valueOf(m.get("defaultString").asText());
        }
        if (m.has("defaultInt")) {
            return LuaValue.valueOf(m.get("defaultInt").asLong());
        }
        if (m.has("defaultFloat")) {
            return LuaValue.valueOf(m.get("defaultFloat").asDouble());
        }
        if (m.has("defaultBool")) {
            return LuaValue.valueOf(m.get("defaultBool").asBoolean());
        }
        return LuaValue.NIL;
    }

    interface Transform {
        LuaValue apply(Run run, LuaValue v);
    }

    private Transform transform(String place, JsonNode t) {
        String op = t.fieldNames().hasNext() ? t.fieldNames().next() : "";
        JsonNode a = t.get(op);
        switch (op) {
            case "expression": {
                Prototype p = script(place, a);
                return (run, v) -> evaluate(run, p, place);
            }
            case "toHash": {
                String algorithm = switch (a.asText()) {
                    case "sha256" -> "SHA-256";
                    case "md5" -> "MD5";
                    default -> throw new IllegalArgumentException(kit + ": " + place + ": unknown hash " + a);
                };
                return (run, v) -> LuaJson.string(Helpers.hash(algorithm, scalar(v, place)));
            }
            case "modifyString": {
                String how = a.asText();
                if (!Set.of("uppercase", "lowercase", "trim").contains(how)) {
                    throw new IllegalArgumentException(kit + ": " + place + ": unknown modifyString " + how);
                }
                return (run, v) -> {
                    String s = scalar(v, place);
                    return LuaValue.valueOf(switch (how) {
                        case "uppercase" -> s.toUpperCase(Locale.ROOT);
                        case "lowercase" -> s.toLowerCase(Locale.ROOT);
                        default -> s.strip();
                    });
                };
            }
            case "toScalar": {
                String type = a.asText();
                return switch (type) {
                    case "string" -> (run, v) -> LuaValue.valueOf(LuaJson.text(v));   // an object: its JSON
                    case "float" -> (run, v) -> number(v, place);
                    case "truncated_int", "int" -> (run, v) -> LuaValue.valueOf((double) (long) number(v, place).todouble());
                    case "bool" -> (run, v) -> LuaValue.valueOf(v.toboolean() && !"false".equals(v.tojstring()));
                    default -> throw new IllegalArgumentException(kit + ": " + place + ": unknown toScalar " + type);
                };
            }
            case "toTimestamp": {
                boolean millis = switch (a.asText()) {
                    case "inMillis" -> true;
                    case "inSeconds" -> false;
                    default -> throw new IllegalArgumentException(kit + ": " + place + ": unknown toTimestamp " + a);
                };
                return (run, v) -> {
                    Instant i = GoTime.parseRfc3339(scalar(v, place));
                    if (i == null) {
                        throw new Failure(kit + ": " + place + ": not an RFC 3339 date-time");
                    }
                    return LuaValue.valueOf((double) (millis ? i.toEpochMilli() : i.getEpochSecond()));
                };
            }
            case "toDateTime": {
                String in = a.path("inputFormat").asText(null);
                String out = a.path("outputFormat").asText(null);
                return (run, v) -> {
                    Instant i = GoTime.parse(scalar(v, place), in);
                    if (i == null) {
                        throw new Failure(kit + ": " + place + ": not a date-time of the layout " + in);
                    }
                    return LuaValue.valueOf(GoTime.format(i, out));
                };
            }
            case "pluckValues": {
                LuaValue key = LuaValue.valueOf(a.path("extractKey").asText());
                return (run, v) -> {
                    if (!v.istable()) {
                        return LuaValue.NIL;
                    }
                    LuaTable out = LuaJson.array();
                    for (int i = 1, j = 1, n = v.rawlen(); i <= n; i++) {
                        LuaValue e = v.rawget(i);
                        LuaValue x = e.istable() ? e.rawget(key) : LuaValue.NIL;
                        if (!x.isnil()) {
                            out.rawset(j++, x);
                        }
                    }
                    return out;
                };
            }
            case "joinValues": {
                String sep = a.path("separator").asText("");
                return (run, v) -> {
                    if (!v.istable()) {
                        return LuaValue.valueOf(scalar(v, place));
                    }
                    StringBuilder b = new StringBuilder();
                    for (int i = 1, n = v.rawlen(); i <= n; i++) {
                        if (i > 1) {
                            b.append(sep);
                        }
                        b.append(LuaJson.text(v.rawget(i)));
                    }
                    return LuaValue.valueOf(b.toString());
                };
            }
            case "substring": {
                int start = a.path("start").asInt(0);
                int end = a.path("end").asInt(Integer.MAX_VALUE);
                return (run, v) -> {
                    String s = scalar(v, place);
                    int len = s.codePointCount(0, s.length());
                    int from = Math.min(len, Math.max(0, start));
                    int to = Math.max(from, Math.min(len, end));
                    return LuaValue.valueOf(s.substring(s.offsetByCodePoints(0, from), s.offsetByCodePoints(0, to)));
                };
            }
            default:
                throw new IllegalArgumentException(kit + ": " + place + ": unknown transform '" + op + "'");
        }
    }

    private Step enrichment(String place, JsonNode e) {
        LuaString[] out = path(e.path("outputKey").asText());
        Supplier<LuaValue> value;
        if (e.has("staticString")) {
            LuaValue v = LuaValue.valueOf(e.get("staticString").asText());
            value = () -> v;
        } else if (e.has("staticBool")) {
            LuaValue v = LuaValue.valueOf(e.get("staticBool").asBoolean());
            value = () -> v;
        } else if (e.has("staticInt")) {
            LuaValue v = LuaValue.valueOf(e.get("staticInt").asLong());
            value = () -> v;
        } else if (e.has("staticFloat")) {
            LuaValue v = LuaValue.valueOf(e.get("staticFloat").asDouble());
            value = () -> v;
        } else if (e.has("timestamp")) {
            boolean millis = switch (e.get("timestamp").asText()) {
                case "milliseconds" -> true;
                case "seconds" -> false;
                default -> throw new IllegalArgumentException(kit + ": " + place + ": unknown timestamp " + e.get("timestamp"));
            };
            value = () -> LuaValue.valueOf((double) (millis ? System.currentTimeMillis() : System.currentTimeMillis() / 1000));
        } else if (e.has("uuid")) {
            value = () -> LuaValue.valueOf(UUID.randomUUID().toString());
        } else {
            throw new IllegalArgumentException(kit + ": " + place + ": unknown enrichment");
        }
        return run -> write(run.output, out, value.get());
    }

    private Step spreading(String place, JsonNode s) {
        LuaString[] in = path(s.path("inputKey").asText());
        JsonNode f = s.path("flatten");
        if (f.isMissingNode()) {
            throw new IllegalArgumentException(kit + ": " + place + ": unknown spreading (known: flatten)");
        }
        String sep = f.path("separator").asText(".");
        String prefix = f.path("prefix").asText("");
        int depth = f.path("depth").asInt(Integer.MAX_VALUE);
        return run -> {
            LuaValue v = read(run.input, in);
            if (v.istable()) {
                Helpers.flatten((LuaTable) v, prefix, sep, depth, 0, run.output, 1);
            }
        };
    }

    private Step sectionExpression(String place, JsonNode e) {
        String where = place + (e.hasNonNull("name") ? " '" + e.get("name").asText() + "'" : "");
        Prototype p = script(where, e);
        return run -> {
            LuaValue v = evaluate(run, p, where);
            if (v.istable()) {
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = v.next(k);
                    if ((k = n.arg1()).isnil()) {
                        break;
                    }
                    // A key is an output path ("hints.mobile"); most have no dot and are used as they are.
                    write(run.output, k.isstring() && k.checkstring().indexOf((byte) '.', 0) < 0
                            ? new LuaString[] {k.checkstring()} : path(LuaJson.text(k)), n.arg(2));
                }
            } else if (!v.isnil()) {
                throw new Failure(kit + ": " + where + ": an expression of a section returns a table of output keys, not a "
                        + v.typename());
            }
        };
    }

    private Prototype script(String place, JsonNode e) {
        String lang = e.path("lang").asText("lua");
        if (!lang.equals("lua")) {
            throw new IllegalArgumentException(kit + ": " + place + ": unknown expression language " + lang);
        }
        try {
            return LuaSandbox.compile(kit + ": " + place, e.path("body").asText());
        } catch (IllegalArgumentException syntax) {
            throw new IllegalArgumentException(kit + ": " + place + ": " + syntax.getMessage(), syntax);
        }
    }

    private LuaValue evaluate(Run run, Prototype p, String place) {
        try {
            return run.lua.run(p, bounds, "input", run.input, null, null);
        } catch (LuaError e) {
            String m = String.valueOf(e.getMessage()).strip();
            throw new Failure(m != null && m.startsWith(kit + ": ") ? "lua: " + m : kit + ": " + place + ": lua: " + m);
        }
    }

    private static LuaValue number(LuaValue v, String place) {
        LuaValue n = Helpers.number(v);
        if (n.isnil()) {
            throw new Failure(place + ": not a number");
        }
        return n;
    }

    private static String scalar(LuaValue v, String place) {
        if (v.istable()) {
            throw new Failure(place + ": expected text, got a table");
        }
        return LuaJson.text(v);
    }

    // ---- paths ----------------------------------------------------------------------------------------------------

    /** A dotted path as Lua keys, made once (a key as a Lua string is hashed and compared at each use). */
    static LuaString[] path(String dotted) {
        if (dotted.isEmpty()) {
            return new LuaString[0];
        }
        String[] parts = dotted.split("\\.");
        LuaString[] keys = new LuaString[parts.length];
        for (int i = 0; i < parts.length; i++) {
            keys[i] = LuaString.valueOf(parts[i]);
        }
        return keys;
    }

    /** The value at a dotted path; a number segment indexes an array from 0. */
    static LuaValue read(LuaValue v, LuaString[] path) {
        for (LuaString key : path) {
            if (!v.istable()) {
                return LuaValue.NIL;
            }
            LuaValue next = v.rawget(key);
            if (next.isnil() && key.length() > 0 && Character.isDigit(key.luaByte(0)) && v.getmetatable() == LuaJson.ARRAY) {
                try {
                    next = v.rawget(Integer.parseInt(key.tojstring()) + 1);
                } catch (NumberFormatException notIndex) {
                    // a key that starts with a digit
                }
            }
            v = next;
        }
        return v;
    }

    static void write(LuaTable out, LuaString[] path, LuaValue value) {
        LuaTable t = out;
        for (int i = 0; i < path.length - 1; i++) {
            LuaValue next = t.rawget(path[i]);
            if (!next.istable()) {
                LuaTable created = new LuaTable(0, 4);
                t.rawset(path[i], created);
                next = created;
            }
            t = (LuaTable) next;
        }
        t.rawset(path[path.length - 1], value);
    }
}
