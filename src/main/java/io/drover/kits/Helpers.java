package io.drover.kits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * MetaRouter's helper library for playbook expressions, in Java, written from each function's use in the kits and its
 * name (MetaRouter's own implementation is not public; docs/metarouter.md lists each meaning and where it is a
 * guess). Every helper takes nil to nil (so that {@code LOWER(x) or ''} works), and numbers where it takes text.
 */
final class Helpers {

    private Helpers() {
    }

    interface Fn {
        LuaValue apply(Varargs a);
    }

    /** The library as a table of global functions. */
    static LuaTable library() {
        LuaTable t = new LuaTable();
        def(t, "LOWER", a -> text(a, 1, s -> s.toLowerCase(Locale.ROOT)));
        def(t, "UPPER", a -> text(a, 1, s -> s.toUpperCase(Locale.ROOT)));
        def(t, "TRIM", a -> text(a, 1, String::strip));
        def(t, "TO_STRING", a -> a.arg1().isnil() ? LuaValue.NIL : LuaValue.valueOf(LuaJson.text(a.arg1())));
        def(t, "TO_SHA256_HASH", a -> text(a, 1, s -> hash("SHA-256", s)));
        def(t, "TO_MD5_HASH", a -> text(a, 1, s -> hash("MD5", s)));
        def(t, "BASE64_ENCODE", a -> text(a, 1,
                s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))));
        def(t, "QUERY_ESCAPE", a -> text(a, 1, Helpers::queryEscape));
        def(t, "PATH_ESCAPE", a -> text(a, 1, Helpers::pathEscape));
        def(t, "REPLACE", a -> {
            if (a.arg1().isnil()) {
                return LuaValue.NIL;
            }
            String s = LuaJson.text(a.arg1());
            String from = a.checkjstring(2);
            String to = a.optjstring(3, "");
            String r = from.isEmpty() ? s : s.replace(from, to);
            return bounded(r);
        });
        def(t, "SUBSTRING", a -> {
            if (a.arg1().isnil()) {
                return LuaValue.NIL;
            }
            String s = LuaJson.text(a.arg1());
            int len = s.codePointCount(0, s.length());
            int start = Math.max(0, Math.min(len, a.optint(2, 0)));
            int end = Math.max(start, Math.min(len, a.isnil(3) ? len : a.checkint(3)));
            return LuaValue.valueOf(s.substring(s.offsetByCodePoints(0, start), s.offsetByCodePoints(0, end)));
        });
        def(t, "SPLIT", a -> {
            if (a.arg1().isnil()) {
                return LuaValue.NIL;
            }
            String s = LuaJson.text(a.arg1());
            String sep = a.checkjstring(2);
            int n = a.isnil(3) ? -1 : a.checkint(3);
            LuaTable out = LuaJson.array();
            if (n == 0) {
                return out;
            }
            int i = 1;
            int from = 0;
            while (sep.length() > 0 && (n < 0 || i < n)) {
                int at = s.indexOf(sep, from);
                if (at < 0) {
                    break;
                }
                out.rawset(i++, LuaValue.valueOf(s.substring(from, at)));
                from = at + sep.length();
            }
            out.rawset(i, LuaValue.valueOf(s.substring(from)));
            return out;
        });
        def(t, "JOIN", a -> {
            if (!a.arg1().istable()) {
                return a.arg1().isnil() ? LuaValue.NIL : LuaValue.valueOf(LuaJson.text(a.arg1()));
            }
            LuaTable list = a.checktable(1);
            String sep = a.optjstring(2, ",");
            StringBuilder b = new StringBuilder();
            int n = list.rawlen();
            boolean first = true;
            for (int i = 1; i <= n; i++) {
                LuaValue v = list.rawget(i);
                if (v.isnil()) {
                    continue;
                }
                if (!first) {
                    b.append(sep);
                }
                first = false;
                b.append(LuaJson.text(v));
                if (b.length() > LuaSandbox.MAX_STRING) {
                    throw new LuaError("JOIN: result longer than " + LuaSandbox.MAX_STRING + " bytes");
                }
            }
            return LuaValue.valueOf(b.toString());
        });
        def(t, "PLUCK", a -> {
            if (!a.arg1().istable()) {
                return LuaValue.NIL;
            }
            LuaTable list = a.checktable(1);
            LuaValue key = a.arg(2);
            LuaTable out = LuaJson.array();
            int j = 1;
            for (int i = 1, n = list.rawlen(); i <= n; i++) {
                LuaValue e = list.rawget(i);
                LuaValue v = e.istable() ? e.get(key) : LuaValue.NIL;
                if (!v.isnil()) {
                    out.rawset(j++, v);
                }
            }
            return out;
        });
        def(t, "MAP", a -> {
            if (!a.arg1().istable()) {
                return LuaValue.NIL;
            }
            LuaTable list = a.checktable(1);
            LuaValue fn = a.checkfunction(2);
            LuaTable out = LuaJson.array();
            int j = 1;
            for (int i = 1, n = list.rawlen(); i <= n; i++) {
                LuaValue v = fn.call(list.rawget(i));
                if (!v.isnil()) {
                    out.rawset(j++, v);
                }
            }
            return out;
        });
        def(t, "SUM", a -> {
            if (!a.arg1().istable()) {
                return a.arg1().isnil() ? LuaValue.NIL : number(a.arg1());
            }
            LuaTable list = a.checktable(1);
            double sum = 0;
            for (int i = 1, n = list.rawlen(); i <= n; i++) {
                LuaValue v = number(list.rawget(i));
                if (!v.isnil()) {
                    sum += v.todouble();
                }
            }
            return LuaValue.valueOf(sum);
        });
        def(t, "TOTAL_VALUE", a -> {
            double v = total(a.arg1());
            return Double.isNaN(v) ? LuaValue.NIL : LuaValue.valueOf(v);
        });
        def(t, "TABLE_SLICE", a -> {
            if (!a.arg1().istable()) {
                return LuaValue.NIL;
            }
            LuaTable list = a.checktable(1);
            int n = list.rawlen();
            int from = Math.max(1, a.optint(2, 1));
            int to = Math.min(n, a.isnil(3) ? n : a.checkint(3));
            LuaTable out = LuaJson.array();
            for (int i = from, j = 1; i <= to; i++, j++) {
                out.rawset(j, list.rawget(i));
            }
            return out;
        });
        def(t, "TO_FLOAT", a -> number(a.arg1()));
        def(t, "TO_TRUNCATED_INT", a -> {
            LuaValue n = number(a.arg1());
            return n.isnil() ? n : LuaValue.valueOf((double) (long) n.todouble());
        });
        def(t, "TO_ROUNDED_INT", a -> {
            LuaValue n = number(a.arg1());
            return n.isnil() ? n : LuaValue.valueOf(BigDecimal.valueOf(n.todouble())
                    .setScale(0, RoundingMode.HALF_UP).doubleValue());
        });
        def(t, "TO_TRUNCATED_FLOAT", a -> {
            LuaValue n = number(a.arg1());
            return n.isnil() ? n : LuaValue.valueOf(BigDecimal.valueOf(n.todouble())
                    .setScale(a.optint(2, 0), RoundingMode.DOWN).doubleValue());
        });
        def(t, "TO_BOOL", a -> {
            LuaValue v = a.arg1();
            if (v.isnil() || v.isboolean()) {
                return v;
            }
            if (v.type() == LuaValue.TNUMBER) {
                return LuaValue.valueOf(v.todouble() != 0);
            }
            String s = LuaJson.text(v).strip().toLowerCase(Locale.ROOT);
            return switch (s) {
                case "true", "t", "1", "yes", "y" -> LuaValue.TRUE;
                case "false", "f", "0", "no", "n", "" -> LuaValue.FALSE;
                default -> LuaValue.NIL;
            };
        });
        def(t, "SECONDS_SINCE_EPOCH_FROM_RFC3999", a -> epoch(a.arg1(), false));
        def(t, "MILLISECONDS_SINCE_EPOCH_FROM_RFC3999", a -> epoch(a.arg1(), true));
        def(t, "TO_DATE_TIME", a -> {
            if (a.arg1().isnil()) {
                return LuaValue.NIL;
            }
            LuaValue opts = a.arg(2);
            String in = opts.istable() && opts.get("inputFormat").isstring() ? opts.get("inputFormat").tojstring() : null;
            String out = opts.istable() && opts.get("outputFormat").isstring() ? opts.get("outputFormat").tojstring() : null;
            Instant i = GoTime.parse(LuaJson.text(a.arg1()), in);
            // outputLocation {name, offset}: Go's time.FixedZone, offset in seconds east of UTC (Google Ads' kit)
            LuaValue where = opts.istable() ? opts.get("outputLocation") : LuaValue.NIL;
            int offset = where.istable() && where.get("offset").isnumber() ? where.get("offset").toint() : 0;
            if (Math.abs(offset) > 18 * 3600) {
                throw new LuaError("TO_DATE_TIME: outputLocation offset beyond 18 hours: " + offset);
            }
            return i == null ? LuaValue.NIL : LuaValue.valueOf(GoTime.format(i, out, java.time.ZoneOffset.ofTotalSeconds(offset)));
        });
        def(t, "DECODE_URL_QUERY", a -> {
            LuaTable out = new LuaTable();
            if (!a.arg1().isstring()) {
                return out;
            }
            String url = a.arg1().tojstring();
            int q = url.indexOf('?');
            String query = q >= 0 ? url.substring(q + 1) : url.contains("=") ? url : "";
            int hash = query.indexOf('#');
            if (hash >= 0) {
                query = query.substring(0, hash);
            }
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    if (out.rawget(k).isnil()) {
                        out.rawset(k, LuaValue.valueOf(v));
                    }
                } catch (IllegalArgumentException malformed) {
                    // a malformed escape: that parameter is left out, as Go's url.ParseQuery does
                }
            }
            return out;
        });
        def(t, "TO_ISO_COUNTRY", a -> {
            if (a.arg1().isnil()) {
                return LuaValue.NIL;
            }
            String code = Countries.alpha2(LuaJson.text(a.arg1()));
            return code == null ? LuaValue.NIL : LuaValue.valueOf(code);
        });
        def(t, "FLATTEN", a -> {
            if (!a.arg1().istable()) {
                return LuaValue.NIL;
            }
            LuaValue opts = a.arg(5);
            int start = opts.istable() && opts.get("array_start_index").isnumber()
                    ? opts.get("array_start_index").toint() : 0;
            LuaTable out = new LuaTable();
            flatten(a.checktable(1), a.optjstring(2, ""), a.optjstring(3, "."), a.optint(4, Integer.MAX_VALUE),
                    start, out, 1);
            return out;
        });
        return t;
    }

    /**
     * Keys joined with the separator under the prefix, {@code depth} levels deep (a deeper value is kept as it is);
     * array elements are keyed by their index counted from {@code start}.
     */
    static void flatten(LuaTable t, String prefix, String sep, int depth, int start, LuaTable out, int level) {
        boolean array = t.getmetatable() == LuaJson.ARRAY;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return;
            }
            String key = array && k.isint() ? Integer.toString(k.toint() - 1 + start) : LuaJson.text(k);
            String full = prefix.isEmpty() ? key : prefix + sep + key;
            LuaValue v = n.arg(2);
            if (v.istable() && level < depth) {
                flatten((LuaTable) v, full, sep, depth, start, out, level + 1);
            } else {
                out.rawset(full, v);
            }
        }
    }

    private static void def(LuaTable t, String name, Fn fn) {
        t.set(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return fn.apply(args);
            }

            @Override
            public String tojstring() {
                return name;
            }
        });
    }

    private static LuaValue text(Varargs a, int i, java.util.function.UnaryOperator<String> f) {
        LuaValue v = a.arg(i);
        if (v.isnil()) {
            return LuaValue.NIL;
        }
        if (v.istable()) {
            throw new LuaError("expected text, got a table");
        }
        return bounded(f.apply(LuaJson.text(v)));
    }

    private static LuaValue bounded(String s) {
        if (s.length() > LuaSandbox.MAX_STRING) {
            throw new LuaError("result longer than " + LuaSandbox.MAX_STRING + " bytes");
        }
        return LuaJson.string(s);
    }

    /** A number, or a string that holds one; nil otherwise. */
    static LuaValue number(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return v;
        }
        if (v.isstring()) {
            try {
                return LuaValue.valueOf(Double.parseDouble(v.tojstring().strip()));
            } catch (NumberFormatException e) {
                return LuaValue.NIL;
            }
        }
        if (v.isboolean()) {
            return LuaValue.valueOf(v.toboolean() ? 1 : 0);
        }
        return LuaValue.NIL;
    }

    /**
     * The value of products: a product is price × (quantity or 1); a list is the sum of its products; an object with
     * {@code products} and no price is the sum of them. NaN when there is nothing to price.
     */
    private static double total(LuaValue v) {
        if (!v.istable()) {
            LuaValue n = number(v);
            return n.isnil() ? Double.NaN : n.todouble();
        }
        LuaValue price = number(v.get("price"));
        if (!price.isnil()) {
            LuaValue q = number(v.get("quantity"));
            return price.todouble() * (q.isnil() ? 1 : q.todouble());
        }
        LuaValue products = v.get("products");
        LuaTable list = products.istable() ? (LuaTable) products : (LuaTable) v;
        int n = list.rawlen();
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        boolean any = false;
        for (int i = 1; i <= n; i++) {
            double p = total(list.rawget(i));
            if (!Double.isNaN(p)) {
                sum += p;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    private static LuaValue epoch(LuaValue v, boolean millis) {
        if (!v.isstring()) {
            return LuaValue.NIL;
        }
        Instant i = GoTime.parseRfc3339(v.tojstring());
        if (i == null) {
            return LuaValue.NIL;
        }
        return LuaValue.valueOf((double) (millis ? i.toEpochMilli() : i.getEpochSecond()));
    }

    static String hash(String algorithm, String s) {
        MessageDigest d = switch (algorithm) {
            case "SHA-256" -> SHA256.get();
            case "MD5" -> MD5.get();
            default -> throw new IllegalArgumentException("no hash " + algorithm);
        };
        return HEX.formatHex(d.digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static final HexFormat HEX = HexFormat.of();
    /** A digest per thread (digest() resets it): looking one up by name was a third of a hash's cost. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> digest("MD5"));

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Go's url.QueryEscape: space as +, everything but unreserved characters %-escaped. */
    static String queryEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    /** Go's url.PathEscape: as QueryEscape but space as %20, and : @ & = + $ kept. */
    static String pathEscape(String s) {
        return queryEscape(s).replace("+", "%20").replace("%3A", ":").replace("%40", "@").replace("%26", "&")
                .replace("%3D", "=").replace("%2B", "+").replace("%24", "$");
    }

    /** ISO 3166-1 alpha-2 codes from names, alpha-2 or alpha-3 codes, in English (the JDK's own list). */
    static final class Countries {
        private static final Map<String, String> BY_KEY = new HashMap<>();

        static {
            for (String code : Locale.getISOCountries()) {
                Locale l = new Locale("", code);
                BY_KEY.put(code, code);
                BY_KEY.put(l.getISO3Country(), code);
                BY_KEY.put(l.getDisplayCountry(Locale.ENGLISH).toUpperCase(Locale.ROOT), code);
            }
            BY_KEY.put("USA", "US");
            BY_KEY.put("UNITED STATES OF AMERICA", "US");
            BY_KEY.put("UK", "GB");
            BY_KEY.put("GREAT BRITAIN", "GB");
            BY_KEY.put("ENGLAND", "GB");
        }

        static String alpha2(String s) {
            return BY_KEY.get(s.strip().toUpperCase(Locale.ROOT));
        }
    }
}
