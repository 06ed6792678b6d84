package io.drover.kits;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * JSON to Lua and back. A JSON array becomes a table marked as an array (so that an empty one stays {@code []}); a
 * JSON null becomes nil (absent, as MetaRouter's Lua sees it). Back to JSON, a table is an array when it is marked or
 * when its keys are exactly 1..n, else an object; integral numbers are written without a fraction. The JSON made
 * from one value is bounded in size, so that what a script returns cannot outgrow the event.
 */
final class LuaJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The metatable of tables made from JSON arrays (and by helpers that return lists). */
    static final LuaTable ARRAY = new LuaTable();
    /** At most this many JSON values out of one Lua value. */
    static final int MAX_NODES = 100_000;
    private static final int MAX_DEPTH = 64;

    static {
        ARRAY.set("__jsonarray", LuaValue.TRUE);
    }

    private LuaJson() {
    }

    static LuaTable array() {
        LuaTable t = new LuaTable();
        t.setmetatable(ARRAY);
        return t;
    }

    static LuaValue toLua(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return LuaValue.NIL;
        }
        switch (node.getNodeType()) {
            case STRING:
                return string(node.textValue());
            case BOOLEAN:
                return LuaValue.valueOf(node.booleanValue());
            case NUMBER:
                if (node.canConvertToInt() && node.isIntegralNumber()) {
                    return LuaValue.valueOf(node.intValue());
                }
                return LuaValue.valueOf(node.doubleValue());
            case ARRAY:
            case OBJECT:
                // Converted as read (JsonTable): a kit reads a few fields of an event, not all of it.
                return new JsonTable(node);
            default:
                return LuaValue.valueOf(node.asText());
        }
    }

    /**
     * Text as a Lua string. ASCII (most of an event's text) is copied as it is: LuaJ's own encoder goes through a
     * char array and two passes; other text is encoded by LuaJ, so that it decodes it back the same.
     */
    static LuaString string(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return LuaString.valueOf(s);
            }
        }
        return LuaString.valueUsing(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Keys repeat from event to event: each is made into a Lua string (UTF-8 bytes, hash) once. */
    private static final java.util.concurrent.ConcurrentHashMap<String, org.luaj.vm2.LuaString> KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_KEYS = 50_000;

    static org.luaj.vm2.LuaString key(String k) {
        org.luaj.vm2.LuaString s = KEYS.get(k);
        if (s == null) {
            s = org.luaj.vm2.LuaString.valueOf(k);
            if (KEYS.size() < MAX_KEYS && k.length() <= 64) {
                KEYS.putIfAbsent(k, s);
            }
        }
        return s;
    }

    /** Lua keys as Java text, the other way round: a key read from a script is decoded from UTF-8 once, not per read. */
    private static final java.util.concurrent.ConcurrentHashMap<LuaString, String> NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Object keys as Jackson writes them (quoted and encoded once). */
    private static final java.util.concurrent.ConcurrentHashMap<LuaString, SerializedString> FIELDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A Lua string key as Java text. */
    static String name(LuaString k) {
        String s = NAMES.get(k);
        if (s == null) {
            s = k.tojstring();
            if (NAMES.size() < MAX_KEYS && k.m_length <= 64) {
                NAMES.putIfAbsent(k, s);
            }
        }
        return s;
    }

    private static SerializedString field(LuaString k) {
        SerializedString s = FIELDS.get(k);
        if (s == null) {
            s = new SerializedString(k.tojstring());
            if (FIELDS.size() < MAX_KEYS && k.m_length <= 64) {
                FIELDS.putIfAbsent(k, s);
            }
        }
        return s;
    }

    /** A mapper's factory: a table with non-text keys is written as a tree (writeTree needs the codec). */
    private static final JsonFactory JSON = new com.fasterxml.jackson.databind.ObjectMapper().getFactory();

    /** The buffer a thread writes request bodies into, kept between bodies (a body is copied out once, as text). */
    private static final ThreadLocal<Bytes> BUFFER = ThreadLocal.withInitial(Bytes::new);

    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(8192);
        }

        String text() {
            return new String(buf, 0, count, StandardCharsets.UTF_8);
        }
    }

    /**
     * The JSON text of a Lua value, written straight from the tables (no JSON tree in between: building the tree and
     * then writing it was most of a kit's cost per event). The same text as {@link #toJson} written by Jackson, and
     * the same bounds; null for nil.
     */
    static String toJsonText(LuaValue v) {
        if (v.isnil()) {
            return null;
        }
        Bytes out = BUFFER.get();
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(g, v, new int[] {MAX_NODES}, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.text();
        if (out.size() > 1 << 20) {
            BUFFER.remove();   // a large body once: not kept for the thread's life
        }
        return text;
    }

    /** Writes a value as {@link #toJson} would make it; false (nothing written) where toJson gives null. */
    private static boolean write(JsonGenerator g, LuaValue v, int[] budget, int depth) throws IOException {
        if (--budget[0] < 0) {
            throw new LuaError("result too large: more than " + MAX_NODES + " values");
        }
        if (depth > MAX_DEPTH) {
            throw new LuaError("result nested deeper than " + MAX_DEPTH + " levels (a table that holds itself?)");
        }
        switch (v.type()) {
            case LuaValue.TBOOLEAN:
                g.writeBoolean(v.toboolean());
                return true;
            case LuaValue.TNUMBER:
                writeNumber(g, v);
                return true;
            case LuaValue.TSTRING:
                writeString(g, v.checkstring());
                return true;
            case LuaValue.TTABLE:
                writeTable(g, (LuaTable) v, budget, depth);
                return true;
            default:
                return false;
        }
    }

    private static void writeNumber(JsonGenerator g, LuaValue v) throws IOException {
        if (v.isint()) {
            g.writeNumber(v.toint());
            return;
        }
        double d = v.todouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            g.writeNull();
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            g.writeNumber((long) d);
        } else {
            g.writeNumber(d);
        }
    }

    /** ASCII text is written from the Lua string's bytes (escaped by Jackson as any text); other text decoded first. */
    private static void writeString(JsonGenerator g, LuaString s) throws IOException {
        byte[] b = s.m_bytes;
        for (int i = s.m_offset, end = s.m_offset + s.m_length; i < end; i++) {
            if (b[i] < 0) {
                g.writeString(s.tojstring());
                return;
            }
        }
        g.writeUTF8String(b, s.m_offset, s.m_length);
    }

    private static void writeTable(JsonGenerator g, LuaTable t, int[] budget, int depth) throws IOException {
        int n = t.rawlen();
        boolean marked = t.getmetatable() == ARRAY;
        if (marked || (n > 0 && countKeys(t) == n)) {
            g.writeStartArray();
            for (int i = 1; i <= n; i++) {
                if (!write(g, t.rawget(i), budget, depth + 1)) {
                    g.writeNull();
                }
            }
            g.writeEndArray();
            return;
        }
        // A key that is not text (1 beside "1") may name a field twice: the tree keeps one, so the tree writes it.
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            if ((k = e.arg1()).isnil()) {
                break;
            }
            if (k.type() != LuaValue.TSTRING) {
                int[] b = {budget[0] + 1};
                JsonNode tree = toJson(t, b, depth);
                budget[0] = b[0];
                g.writeTree(tree);
                return;
            }
        }
        g.writeStartObject();
        k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            if ((k = e.arg1()).isnil()) {
                break;
            }
            LuaValue value = e.arg(2);
            int type = value.type();
            if (type == LuaValue.TBOOLEAN || type == LuaValue.TNUMBER || type == LuaValue.TSTRING
                    || type == LuaValue.TTABLE) {
                g.writeFieldName(field((LuaString) k));
                write(g, value, budget, depth + 1);
            } else {
                // counted and bounded as toJson does a value it leaves out (a function)
                if (--budget[0] < 0) {
                    throw new LuaError("result too large: more than " + MAX_NODES + " values");
                }
                if (depth + 1 > MAX_DEPTH) {
                    throw new LuaError("result nested deeper than " + MAX_DEPTH + " levels (a table that holds itself?)");
                }
            }
        }
        g.writeEndObject();
    }

    /** The JSON of a Lua value; null for nil (and for values JSON has no form of: functions). */
    static JsonNode toJson(LuaValue v) {
        int[] budget = {MAX_NODES};
        return toJson(v, budget, 0);
    }

    private static JsonNode toJson(LuaValue v, int[] budget, int depth) {
        if (--budget[0] < 0) {
            throw new LuaError("result too large: more than " + MAX_NODES + " values");
        }
        if (depth > MAX_DEPTH) {
            throw new LuaError("result nested deeper than " + MAX_DEPTH + " levels (a table that holds itself?)");
        }
        switch (v.type()) {
            case LuaValue.TNIL:
                return null;
            case LuaValue.TBOOLEAN:
                return NODES.booleanNode(v.toboolean());
            case LuaValue.TNUMBER:
                return number(v);
            case LuaValue.TSTRING:
                return NODES.textNode(v.tojstring());
            case LuaValue.TTABLE:
                return table((LuaTable) v, budget, depth);
            default:
                return null;
        }
    }

    static JsonNode number(LuaValue v) {
        if (v.isint()) {
            return NODES.numberNode(v.toint());
        }
        double d = v.todouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return NODES.nullNode();
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return NODES.numberNode((long) d);
        }
        return NODES.numberNode(d);
    }

    private static JsonNode table(LuaTable t, int[] budget, int depth) {
        int n = t.rawlen();
        boolean marked = t.getmetatable() == ARRAY;
        if (marked || (n > 0 && countKeys(t) == n)) {
            ArrayNode a = NODES.arrayNode(n);
            for (int i = 1; i <= n; i++) {
                JsonNode e = toJson(t.rawget(i), budget, depth + 1);
                a.add(e == null ? NODES.nullNode() : e);
            }
            return a;
        }
        ObjectNode o = NODES.objectNode();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n2 = t.next(k);
            if ((k = n2.arg1()).isnil()) {
                break;
            }
            JsonNode e = toJson(n2.arg(2), budget, depth + 1);
            if (e != null) {
                o.set(key(k), e);
            }
        }
        return o;
    }

    private static int countKeys(LuaTable t) {
        int c = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return c;
            }
            c++;
        }
    }

    private static String key(LuaValue k) {
        return k.type() == LuaValue.TNUMBER ? text(k) : k.tojstring();
    }

    /** A scalar as text, numbers as Go prints them: 12, 12.5 (no exponent, no trailing zeros). */
    static String text(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            if (v.isint()) {
                return Integer.toString(v.toint());
            }
            double d = v.todouble();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v.istable()) {
            JsonNode j = toJson(v);
            return j == null ? "" : j.toString();
        }
        return v.tojstring();
    }
}
