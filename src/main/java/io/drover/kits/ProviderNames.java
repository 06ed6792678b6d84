package io.drover.kits;

import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Vendor ids in {@code context.providers} under both spellings: Drover's tag writes {@code google.clientId},
 * {@code meta.fbp}, ...; MetaRouter's tag (its Sync Injector) writes {@code googleAnalytics4.clientID},
 * {@code facebookTag._fbp}, ... (its sync names, as the kits read them). Events from MetaRouter's tag get Drover's
 * names when they are stored (so that the shipped modules and the identity store see them); kits get MetaRouter's
 * names, made from Drover's, when they run (the stored event is not changed). A name already there is never
 * replaced. docs/metarouter.md lists the mapping.
 */
public final class ProviderNames {

    /** One id under its two names; {@code toDrover} turns MetaRouter's value into Drover's (null: not derivable). */
    record Pair(String drover, String metaRouter, UnaryOperator<String> toDrover, UnaryOperator<String> toMetaRouter,
                LuaString[] droverPath, LuaString[] metaRouterPath) {
        Pair(String drover, String metaRouter, UnaryOperator<String> toDrover, UnaryOperator<String> toMetaRouter) {
            this(drover, metaRouter, toDrover, toMetaRouter, KitPlaybook.path(drover), KitPlaybook.path(metaRouter));
        }

        Pair(String drover, String metaRouter) {
            this(drover, metaRouter, UnaryOperator.identity(), UnaryOperator.identity());
        }
    }

    private static final LuaString[] PROVIDERS = KitPlaybook.path("context.providers");

    /** {@code GCL.<seconds>.<gclid>} (the _gcl_aw cookie, as MetaRouter's googleGtag sync keeps it): the gclid. */
    private static String lastOfThree(String v) {
        String[] p = v.split("\\.", 3);
        return p.length == 3 ? p[2] : null;
    }

    /** {@code GA1.1.<n>.<n>} (the _ga cookie): the client id. */
    private static String gaClientId(String v) {
        String[] p = v.split("\\.", 4);
        return p.length == 4 ? p[2] + "." + p[3] : null;
    }

    static final List<Pair> PAIRS = List.of(
            new Pair("google.clientId", "googleAnalytics4.clientID"),
            new Pair("google.clientId", "googleGtag.data.ga", ProviderNames::gaClientId, v -> "GA1.1." + v),
            new Pair("google.sessionId", "googleAnalytics4.sessionID"),
            new Pair("google.sessionId", "googleGtag.data.sessionID"),
            new Pair("google.gclid", "googleAds.gclid"),
            new Pair("google.gclid", "googleAnalytics4.gclid"),
            new Pair("google.gclid", "googleGtag.data.gclid", ProviderNames::lastOfThree, v -> null),
            new Pair("google.wbraid", "googleAds.wbraid"),
            new Pair("google.wbraid", "googleGtag.data.wbraid"),
            new Pair("meta.fbp", "facebookTag._fbp"),
            new Pair("meta.fbc", "facebookTag._fbc"),
            new Pair("snapchat.clickId", "snapchatCAPI.ScCid"),
            new Pair("snapchat.scid", "snapchatCAPI._scid"),
            new Pair("pinterest.clickId", "pinterestCAPI.epik"));
    // tiktok.ttclid and tiktok.ttp are spelled the same by both tags.

    private ProviderNames() {
    }

    /** Adds Drover's names for the MetaRouter names an event's {@code context.providers} has (at ingestion). */
    public static void addDroverNames(ObjectNode context) {
        if (!(context.get("providers") instanceof ObjectNode providers)) {
            return;
        }
        for (Pair p : PAIRS) {
            JsonNode v = at(providers, p.metaRouter());
            if (v != null && v.isTextual() && at(providers, p.drover()) == null) {
                String d = p.toDrover().apply(v.textValue());
                if (d != null && !d.isEmpty()) {
                    put(providers, p.drover(), d);
                }
            }
        }
    }

    /**
     * Adds MetaRouter's names for Drover's ids, in a kit's Lua input. An input made from JSON gets them as they are
     * read ({@link Providers}): most kits read none of them, and writing all fourteen into every event was a quarter
     * of a kit's cost per event.
     */
    static void addMetaRouterNames(LuaTable input) {
        if (input instanceof JsonTable in && in.rawget(CONTEXT) instanceof JsonTable context
                && context.adopt(PROVIDERS_KEY, Providers::new)) {
            return;
        }
        LuaValue providers = KitPlaybook.read(input, PROVIDERS);
        if (providers.istable()) {
            addNames((LuaTable) providers, PAIRS);
        }
    }

    private static void addNames(LuaTable providers, List<Pair> pairs) {
        for (Pair p : pairs) {
            LuaValue v = KitPlaybook.read(providers, p.droverPath());
            if (v.isstring() && KitPlaybook.read(providers, p.metaRouterPath()).isnil()) {
                String m = p.toMetaRouter().apply(v.tojstring());
                if (m != null) {
                    KitPlaybook.write(providers, p.metaRouterPath(), LuaValue.valueOf(m));
                }
            }
        }
    }

    private static final LuaString CONTEXT = LuaString.valueOf("context");
    private static final LuaString PROVIDERS_KEY = LuaString.valueOf("providers");
    /** MetaRouter's sync names (the first key of each MetaRouter name), and the pairs under each. */
    private static final LuaString[] SYNC_NAMES;
    private static final List<List<Pair>> PAIRS_BY_SYNC_NAME;

    static {
        java.util.Map<LuaString, List<Pair>> bySync = new java.util.LinkedHashMap<>();
        for (Pair p : PAIRS) {
            bySync.computeIfAbsent(p.metaRouterPath()[0], k -> new java.util.ArrayList<>()).add(p);
        }
        SYNC_NAMES = bySync.keySet().toArray(new LuaString[0]);
        PAIRS_BY_SYNC_NAME = List.copyOf(bySync.values());
    }

    /**
     * {@code context.providers} of a kit's input, with MetaRouter's names of one sync ({@code googleGtag}, ...)
     * added from Drover's when that sync name is first read, and all of them before the table is iterated or
     * written: what a script sees is the same as if all had been added up front.
     */
    static final class Providers extends JsonTable {
        /** One bit per sync name not added yet. */
        private int pending = (1 << SYNC_NAMES.length) - 1;

        Providers(JsonNode node) {
            super(node);
        }

        @Override
        public LuaValue rawget(LuaValue key) {
            if (pending != 0 && key.type() == TSTRING) {
                for (int i = 0; i < SYNC_NAMES.length; i++) {
                    if ((pending & (1 << i)) != 0 && SYNC_NAMES[i].raweq(key)) {
                        pending &= ~(1 << i);
                        addNames(this, PAIRS_BY_SYNC_NAME.get(i));
                        break;
                    }
                }
            }
            return super.rawget(key);
        }

        @Override
        void afterWhole() {
            int p = pending;
            pending = 0;
            for (int i = 0; i < SYNC_NAMES.length; i++) {
                if ((p & (1 << i)) != 0) {
                    addNames(this, PAIRS_BY_SYNC_NAME.get(i));
                }
            }
        }
    }

    private static JsonNode at(ObjectNode root, String dotted) {
        JsonNode n = root;
        for (String k : dotted.split("\\.")) {
            n = n.get(k);
            if (n == null || n.isNull()) {
                return null;
            }
        }
        return n;
    }

    private static void put(ObjectNode root, String dotted, String value) {
        String[] keys = dotted.split("\\.");
        ObjectNode o = root;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode next = o.get(keys[i]);
            if (!(next instanceof ObjectNode)) {
                if (next != null) {
                    return;   // a value where an object should be: leave the event as it came
                }
                next = o.putObject(keys[i]);
            }
            o = (ObjectNode) next;
        }
        o.put(keys[keys.length - 1], value);
    }
}
