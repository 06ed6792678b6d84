package io.drover.kits;

import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaNil;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Lua for kits (LuaJ, Lua 5.2), sandboxed: scripts are compiled here once, by Java, and run in an environment with
 * only the base functions that cannot reach outside (no {@code load}, {@code loadstring}, {@code dofile},
 * {@code require}, {@code os}, {@code io}, {@code debug}, {@code luajava}, coroutines or {@code print}), with the
 * libraries read-only, and with a global table emptied after each call (what a script writes to globals is gone
 * after it).
 * Each call is bounded in instructions and in the bytes its thread allocates ({@link Bounds}): LuaJ calls the
 * debug library on every instruction once one is installed, and the one installed here is Java's, not the script's.
 * Indexing nil gives nil, as MetaRouter's Lua does: {@code input.context.campaign.source} is nil when there is no
 * campaign, as the kits expect.
 */
final class LuaSandbox {

    /** Instructions and allocated bytes one call may use. */
    record Bounds(long instructions, long bytes) {
        static final Bounds DEFAULT = new Bounds(1_000_000, 32L << 20);
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** How often (instructions) the allocated bytes are looked at: often enough that s = s .. s cannot run away. */
    private static final int MEMORY_CHECK_EVERY = 8;
    /** The longest string a library function makes (string.rep, table.concat, the helpers). */
    static final int MAX_STRING = 1 << 20;

    private static final Globals COMPILER;
    private static final LuaTable READ_ONLY = new LuaTable();

    static {
        COMPILER = new Globals();
        LoadState.install(COMPILER);
        LuaC.install(COMPILER);
        // nil.x is nil (MetaRouter's input is read this way); JVM-wide, LuaJ is used by nothing else in Drover.
        LuaTable nilMeta = new LuaTable();
        nilMeta.set(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue self, LuaValue key) {
                return LuaValue.NIL;
            }
        });
        LuaNil.s_metatable = nilMeta;
        READ_ONLY.set(LuaValue.NEWINDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                throw new LuaError("the libraries are read-only");
            }
        });
        READ_ONLY.set(LuaValue.METATABLE, LuaValue.FALSE);
    }

    private final LuaTable base;
    private final LuaTable baseMeta = new LuaTable();
    private final Budget budget = new Budget();
    /** The globals of every call: emptied after each (see {@link #clear}). */
    private final Globals env = new Globals();

    LuaSandbox(LuaTable helpers) {
        Globals g = new Globals();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new Bit32Lib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        LuaTable string = (LuaTable) g.get("string");
        string.set("rep", new BoundedRep());
        string.set("dump", LuaValue.NIL);
        LuaTable table = (LuaTable) g.get("table");
        table.set("concat", new BoundedConcat(table.get("concat")));
        base = new LuaTable();
        for (String name : new String[] {"assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawlen",
                "select", "tonumber", "tostring", "type", "unpack", "xpcall", "_VERSION", "getmetatable",
                "setmetatable"}) {
            base.set(name, g.get(name));
        }
        for (String lib : new String[] {"string", "table", "math", "bit32"}) {
            base.set(lib, readOnly((LuaTable) g.get(lib)));
        }
        base.set("unpack", table.get("unpack"));
        // pairs(nil) and ipairs(nil) iterate nothing, as indexing nil gives nil: kits loop over input.properties
        // of events that have none (an identify).
        base.set("pairs", nilTolerant(g.get("pairs")));
        base.set("ipairs", nilTolerant(g.get("ipairs")));
        LuaValue[] keys = helpers.keys();
        for (LuaValue k : keys) {
            base.set(k, helpers.get(k));
        }
        // "x":upper() reads the string library through the strings' metatable: the read-only one, not hidden.
        LuaTable stringMeta = new LuaTable();
        stringMeta.set(LuaValue.INDEX, base.get("string"));
        stringMeta.set(LuaValue.METATABLE, LuaValue.FALSE);
        LuaString.s_metatable = stringMeta;
        baseMeta.set(LuaValue.INDEX, base);
        env.setmetatable(baseMeta);
        env.debuglib = budget;
    }

    private static LuaValue nilTolerant(LuaValue iterate) {
        LuaTable empty = new LuaTable();
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return iterate.invoke(args.arg1().isnil() ? empty : args);
            }
        };
    }

    private static LuaTable readOnly(LuaTable lib) {
        LuaTable proxy = new LuaTable();
        LuaTable meta = new LuaTable();
        meta.set(LuaValue.INDEX, lib);
        meta.set(LuaValue.NEWINDEX, READ_ONLY.get(LuaValue.NEWINDEX));
        meta.set(LuaValue.METATABLE, LuaValue.FALSE);
        proxy.setmetatable(meta);
        return proxy;
    }

    /** Compiles a script once; a syntax error names the place ({@code name:line}). */
    static Prototype compile(String name, String body) {
        try {
            return COMPILER.compilePrototype(new StringReader(body), name);
        } catch (LuaError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a compiled script with these globals set (e.g. {@code input}), within the bounds; its first result.
     * Not thread-safe: one sandbox per thread.
     */
    LuaValue run(Prototype script, Bounds bounds, String n1, LuaValue v1, String n2, LuaValue v2) {
        Globals env = this.env;
        if (n1 != null) {
            env.rawset(n1, v1);
        }
        if (n2 != null) {
            env.rawset(n2, v2);
        }
        budget.start(bounds);
        try {
            return new LuaClosure(script, env).call();
        } catch (StackOverflowError e) {
            throw new LuaError(script.source.tojstring() + ": stack overflow (recursion too deep)");
        } finally {
            budget.stop();
            clear(env);
        }
    }

    /** The keys {@link #clear} removes, kept from call to call (a call writes one or two: its input). */
    private LuaValue[] written = new LuaValue[4];

    /** Empties the globals table after a call (what the call wrote is gone; the libraries are behind its metatable). */
    private void clear(LuaTable env) {
        int n = 0;
        for (LuaValue k = env.next(LuaValue.NIL).arg1(); !k.isnil(); k = env.next(k).arg1()) {
            if (n == written.length) {
                written = java.util.Arrays.copyOf(written, n * 2);
            }
            written[n++] = k;
        }
        for (int i = 0; i < n; i++) {
            env.rawset(written[i], LuaValue.NIL);
            written[i] = null;
        }
        if (written.length > 64) {
            written = new LuaValue[4];
        }
    }

    /** Counts instructions and allocated bytes of the current call; never exposed to scripts. */
    private static final class Budget extends DebugLib {
        private long instructions;
        private long maxInstructions = Long.MAX_VALUE;
        private long bytesAtStart;
        private long maxBytes;
        private boolean active;

        void start(Bounds b) {
            instructions = 0;
            maxInstructions = b.instructions();
            maxBytes = b.bytes();
            bytesAtStart = THREADS.getCurrentThreadAllocatedBytes();
            active = true;
        }

        void stop() {
            active = false;
        }

        @Override
        public void onInstruction(int pc, Varargs v, int top) {
            if (!active) {
                return;
            }
            long n = ++instructions;
            if (n > maxInstructions) {
                active = false;
                throw new LuaError("CPU bound: more than " + maxInstructions + " instructions");
            }
            if ((n & (MEMORY_CHECK_EVERY - 1)) == 0
                    && THREADS.getCurrentThreadAllocatedBytes() - bytesAtStart > maxBytes) {
                active = false;
                throw new LuaError("memory bound: more than " + (maxBytes >> 20) + " MB allocated");
            }
        }

        @Override
        public void onCall(org.luaj.vm2.LuaFunction f) {
        }

        @Override
        public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        }

        @Override
        public void onReturn() {
        }

        /** LuaJ appends this to an error's message: no call stack is kept (it would cost every call). */
        @Override
        public String traceback(int level) {
            return "";
        }
    }

    /** string.rep that refuses to make a string longer than {@link #MAX_STRING}. */
    private static final class BoundedRep extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            int n = args.checkint(2);
            LuaString sep = args.optstring(3, LuaValue.EMPTYSTRING);
            long len = (long) Math.max(n, 0) * (s.length() + sep.length());
            if (len > MAX_STRING) {
                throw new LuaError("string.rep: result longer than " + MAX_STRING + " bytes");
            }
            byte[] out = new byte[(int) Math.max(0, len - sep.length())];
            for (int i = 0, at = 0; i < n; i++) {
                if (i > 0) {
                    sep.copyInto(0, out, at, sep.length());
                    at += sep.length();
                }
                s.copyInto(0, out, at, s.length());
                at += s.length();
            }
            return LuaString.valueUsing(out);
        }
    }

    /** table.concat, bounded like string.rep. */
    private static final class BoundedConcat extends VarArgFunction {
        private final LuaValue concat;

        BoundedConcat(LuaValue concat) {
            this.concat = concat;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            if (t.length() > MAX_STRING) {
                throw new LuaError("table.concat: too many elements");
            }
            LuaValue r = concat.invoke(args).arg1();
            if (r.isstring() && r.checkstring().length() > MAX_STRING) {
                throw new LuaError("table.concat: result longer than " + MAX_STRING + " bytes");
            }
            return r;
        }
    }
}
