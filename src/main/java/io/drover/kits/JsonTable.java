package io.drover.kits;

import com.fasterxml.jackson.databind.JsonNode;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A JSON object or array seen from Lua, converted as it is read: a kit reads a few dozen fields of an event, and
 * turning all of it into Lua tables up front was the largest cost per event. A field is converted once, on its first
 * read; anything that needs the whole table (pairs, #, a write, the JSON of it) converts the rest first, so the
 * table then behaves as any other.
 */
class JsonTable extends org.luaj.vm2.LuaTable {

    /** What is not converted yet; null once the table is whole. */
    private JsonNode node;
    private final boolean array;
    /** Set while a converted field is stored: LuaTable's rawset calls the overridable rawset and hashset. */
    private boolean caching;

    JsonTable(JsonNode node) {
        // Sized for the whole node: a table that grows one field at a time is rehashed at each power of two.
        super(node.isArray() ? node.size() : 0, node.isArray() ? 0 : node.size());
        this.node = node;
        this.array = node.isArray();
        if (array) {
            setmetatable(LuaJson.ARRAY);
        }
    }

    /** Converts what is left; the fields read so far keep the values (tables) they were read as. */
    private void whole() {
        JsonNode n = node;
        if (n == null || caching) {
            return;
        }
        node = null;
        if (array) {
            for (int i = 0; i < n.size(); i++) {
                if (super.rawget(i + 1).isnil()) {
                    super.rawset(i + 1, LuaJson.toLua(n.get(i)));
                }
            }
        } else {
            n.fields().forEachRemaining(f -> {
                if (!f.getValue().isNull()) {
                    LuaString k = LuaJson.key(f.getKey());
                    if (super.rawget(k).isnil()) {
                        super.rawset(k, LuaJson.toLua(f.getValue()));
                    }
                }
            });
        }
        afterWhole();
    }

    /** Called once the table is whole (what a subclass adds to a whole table goes here). */
    void afterWhole() {
    }

    /**
     * Gives the object field {@code key}, not read yet, as the table {@code make} makes of it (a field that is not
     * there, or is no object, needs nothing); false when it was read already or the table is whole.
     */
    boolean adopt(LuaString key, java.util.function.Function<JsonNode, JsonTable> make) {
        JsonNode n = node;
        if (n == null || array || !super.rawget(key).isnil()) {
            return false;
        }
        JsonNode child = n.get(LuaJson.name(key));
        if (child != null && child.isObject()) {
            caching = true;
            try {
                super.rawset(key, make.apply(child));
            } finally {
                caching = false;
            }
        }
        return true;
    }

    @Override
    public LuaValue rawget(LuaValue key) {
        LuaValue v = super.rawget(key);
        JsonNode n = node;
        if (!v.isnil() || n == null) {
            return v;
        }
        JsonNode child;
        if (array) {
            child = key.isint() ? n.get(key.toint() - 1) : null;
        } else {
            child = key.type() == TSTRING ? n.get(LuaJson.name((LuaString) key))
                    : key.isstring() ? n.get(key.tojstring()) : null;
        }
        if (child == null || child.isNull()) {
            return LuaValue.NIL;
        }
        LuaValue c = LuaJson.toLua(child);
        caching = true;
        try {
            super.rawset(key, c);
        } finally {
            caching = false;
        }
        return c;
    }

    @Override
    public LuaValue rawget(int key) {
        return rawget(LuaValue.valueOf(key));
    }

    @Override
    public LuaValue get(int key) {
        return get(LuaValue.valueOf(key));
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        whole();
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        whole();
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        whole();
        super.hashset(key, value);
    }

    @Override
    public LuaValue remove(int pos) {
        whole();
        return super.remove(pos);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        whole();
        super.insert(pos, value);
    }

    @Override
    public int length() {
        whole();
        return super.length();
    }

    @Override
    public LuaValue len() {
        whole();
        return super.len();
    }

    @Override
    public int rawlen() {
        whole();
        return super.rawlen();
    }

    @Override
    public Varargs next(LuaValue key) {
        whole();
        return super.next(key);
    }

    @Override
    public Varargs inext(LuaValue key) {
        whole();
        return super.inext(key);
    }

    @Override
    public LuaValue[] keys() {
        whole();
        return super.keys();
    }

    @Override
    public LuaValue concat(LuaString sep, int i, int j) {
        whole();
        return super.concat(sep, i, j);
    }

    @Override
    public void sort(LuaValue comparator) {
        whole();
        super.sort(comparator);
    }

    @Override
    public Varargs unpack() {
        whole();
        return super.unpack();
    }

    @Override
    public Varargs unpack(int i) {
        whole();
        return super.unpack(i);
    }

    @Override
    public Varargs unpack(int i, int j) {
        whole();
        return super.unpack(i, j);
    }
}
