package io.drover.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.ConsentCheck;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The identity graph: anonymousId ↔ userId (identify, alias, any event carrying both) ↔ the latest vendor ids. Every
 * instance holds the same view, rebuilt from and kept current by the compacted topic {@code drover.identity}
 * ({@link IdentityTopic}). It lives on local disk ({@link IdentityDb}, RocksDB under {@code <data-dir>/identity}) with
 * a bounded block cache off the heap, so neither the heap nor the cache grows with users; nothing is bounded by count.
 * An entry is forgotten once it has not been updated for the expiry time ({@code drover.identity.ttl}); an entry the
 * events of its own id keep using is rewritten (and republished) once it is half that old, so active users stay.
 * <p>
 * At ingestion, {@link #see} fills what an event lacks (a backend {@code track} that only carries a userId gets
 * the user's anonymousId and its fbp, fbc, GA client id...), then records what it brings.
 * <p>
 * Whether the event's userId is believed is decided by the caller, once per event (docs/security.md, section 2). A
 * trusted userId (a server-side source's, or one a browser proved with its userHash) links both ids and is looked up.
 * An untrusted one (any other a browser sends) is the client's claim and is ignored here: the event is enriched only
 * from its own anonymousId (the id the browser itself holds), gets no userId from the store, and what it brings is
 * recorded under that anonymousId alone. So a browser cannot link itself to another user, nor make another user's
 * events carry its vendor ids.
 * Thread-safe: ingestion event loops and the topic reader use it at once. Lookups are synchronous reads of RocksDB
 * (block cache, else the OS page cache, else the disk); a write from an event loop never waits for RocksDB's write
 * stalls (see {@link IdentityDb}).
 */
public final class IdentityStore implements AutoCloseable {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Null until {@link #open(Path, long, int, MeterRegistry)}: an empty store that keeps nothing (before the start). */
    private volatile IdentityDb entries;
    private volatile boolean memoryOnlyOnEventLoop;
    private final long ttlMillis;
    private final BiConsumer<String, Identity> publisher;

    /**
     * A store to open later ({@link #open(Path, long, int, MeterRegistry)}, when its service starts).
     *
     * @param ttl       how long an entry lives after its last update
     * @param publisher where changes go (the topic), as key and new value
     */
    IdentityStore(Duration ttl, BiConsumer<String, Identity> publisher) {
        this.ttlMillis = ttl.toMillis();
        this.publisher = publisher;
    }

    /**
     * Opens (or creates) a store in {@code dir}.
     *
     * @param dir        its directory ({@code <data-dir>/identity}); missing or empty: an empty store
     * @param ttl        how long an entry lives after its last update
     * @param cacheBytes RocksDB's block cache (off the heap)
     * @param heapEntries how many hot entries are kept decoded in the heap (0: none)
     * @param registry   where its metrics go (null: none)
     * @param publisher  where changes go (the topic), as key and new value
     */
    public static IdentityStore open(Path dir, Duration ttl, long cacheBytes, int heapEntries, MeterRegistry registry,
                                     BiConsumer<String, Identity> publisher) {
        IdentityStore store = new IdentityStore(ttl, publisher);
        store.open(dir, cacheBytes, heapEntries, registry);
        return store;
    }

    /** A store with small caches and no metrics (tests). */
    static IdentityStore open(Path dir, Duration ttl, BiConsumer<String, Identity> publisher) {
        return open(dir, ttl, 8L * 1024 * 1024, 1000, null, publisher);
    }

    /** Opens its database; fails if another process has it open (see {@link IdentityDb#open}). */
    void open(Path dir, long cacheBytes, int heapEntries, MeterRegistry registry) {
        entries = IdentityDb.open(dir, Duration.ofMillis(ttlMillis), cacheBytes, heapEntries, registry);
    }

    /** The database under it, for the topic reader (offsets, batches of records) and metrics; null before opening. */
    IdentityDb db() {
        return entries;
    }

    /**
     * Pre-warms the store with entries written as they are (no merge, no publishing, no write-ahead log), then
     * flushed: for benchmarks, before the store serves.
     */
    public void load(Iterator<Map.Entry<String, Identity>> all) {
        entries.load(all);
    }

    /** Compacts the whole store now, as RocksDB does in the background (benchmarks: the store's steady state). */
    public void compact() {
        IdentityDb db = entries;
        if (db != null) {
            db.compact();
        }
    }

    /** Bytes of its directory on disk. */
    public long diskBytes() {
        IdentityDb db = entries;
        return db == null ? 0 : db.diskBytes();
    }

    /** Closes its database (waiting for the reads and writes under way); later calls find nothing and keep nothing. */
    @Override
    public void close() {
        IdentityDb db = entries;
        if (db != null) {
            db.close();
        }
    }

    static String anonymousKey(String anonymousId) {
        return "a:" + anonymousId;
    }

    static String userKey(String userId) {
        return "u:" + userId;
    }

    /** Fills a missing userId or anonymousId and missing vendor ids, from what the store knows of either id (trusted). */
    void enrich(ObjectNode event) {
        String userId = text(event, "userId");
        String anonymousId = text(event, "anonymousId");
        enrich(event, true, userId, anonymousId, userId == null ? null : get(userKey(userId)),
                anonymousId == null ? null : get(anonymousKey(anonymousId)));
    }

    /**
     * The ingestion path: enriches the event, then records what it brings, with one lookup per id for both (the
     * lookups are most of the store's cost per event).
     *
     * @param trustsUserId whether the event's userId is believed (see the class comment): false for a browser's claim
     */
    public void see(ObjectNode event, boolean trustsUserId) {
        see(event, trustsUserId, false);
    }

    /**
     * {@link #see} for an event loop: false, with nothing done, when the event's own ids cannot be looked up without
     * reading the disk (neither in the heap, the memtables nor the block cache); the caller then calls {@link #see}
     * on a worker thread. The reads that follow the first two (a linked id, an alias's previous id, the updates'
     * own reads of the same keys) find what those loaded, or are rare.
     */
    public boolean seeFromMemory(ObjectNode event, boolean trustsUserId) {
        return see(event, trustsUserId, memoryOnlyOnEventLoop);
    }

    /**
     * Whether {@link #seeFromMemory} refuses a lookup that needs a file read ({@code
     * drover.identity.memory-only-on-event-loop}); false: it reads through the page cache, as {@link #see}.
     */
    public void memoryOnlyOnEventLoop(boolean on) {
        this.memoryOnlyOnEventLoop = on;
    }

    private boolean see(ObjectNode event, boolean trustsUserId, boolean inMemory) {
        // An untrusted userId is neither looked up nor linked: for the store, the event has none.
        String userId = trustsUserId ? text(event, "userId") : null;
        String anonymousId = text(event, "anonymousId");
        String userKey = userId == null ? null : userKey(userId);
        String anonymousKey = anonymousId == null ? null : anonymousKey(anonymousId);
        Identity byUser;
        Identity byAnonymous;
        try {
            byUser = userKey == null ? null : get(userKey, inMemory);
            byAnonymous = anonymousKey == null ? null : get(anonymousKey, inMemory);
        } catch (IdentityDb.NeedsDisk e) {
            return false;
        }
        enrich(event, trustsUserId, userId, anonymousId, byUser, byAnonymous);
        // Learned from the ids the event came with: what enrichment added is already known.
        learn(event, userId, anonymousId, byUser, byAnonymous);
        return true;
    }

    private void enrich(ObjectNode event, boolean trustsUserId, String userId, String anonymousId, Identity byUser,
                        Identity byAnonymous) {
        if (byUser == null && byAnonymous == null) {
            return;
        }
        // Only a trusted event is given the user its anonymousId is linked to: a browser's is its own business.
        if (trustsUserId && userId == null && byAnonymous != null && byAnonymous.userId() != null) {
            event.put("userId", byAnonymous.userId());
            byUser = get(userKey(byAnonymous.userId()));
        }
        if (anonymousId == null && byUser != null && byUser.anonymousId() != null) {
            event.put("anonymousId", byUser.anonymousId());
            byAnonymous = get(anonymousKey(byUser.anonymousId()));
        }
        if (refusesAdvertising(event)) {
            // Vendor ids are the ad platforms' tracking data: not added to an event whose user said no.
            return;
        }
        ObjectNode providers = null;
        for (Identity known : new Identity[] {byAnonymous, byUser}) {
            if (known == null || known.providers().isEmpty()) {
                continue;
            }
            if (providers == null) {
                providers = providersOf(event);
            }
            fillMissing(providers, known.providers());
        }
    }

    /** Records the links and vendor ids an event brings, and publishes what changed (trusted). */
    void learn(ObjectNode event) {
        String userId = text(event, "userId");
        String anonymousId = text(event, "anonymousId");
        learn(event, userId, anonymousId, userId == null ? null : get(userKey(userId)),
                anonymousId == null ? null : get(anonymousKey(anonymousId)));
    }

    /**
     * {@code userId} is null for an event whose userId is not trusted: then no link is made (an alias neither), the
     * vendor ids are recorded under the anonymousId only, and an opt-out forgets those of the anonymousId and of the
     * user it is linked to by a trusted link, not those of the user the event claims.
     */
    private void learn(ObjectNode event, String userId, String anonymousId, Identity byUser, Identity byAnonymous) {
        String type = text(event, "type");
        JsonNode p = event.path("context").path("providers");
        long at = System.currentTimeMillis();
        if (refusesAdvertising(event)) {
            // An opt-out: the vendor ids kept for these ids are forgotten, here and, through the topic, everywhere.
            // The linked ids too: a backend event with only the userId speaks for the browser's anonymous id.
            String linkedAnonymous = anonymousId != null ? anonymousId : byUser == null ? null : byUser.anonymousId();
            String linkedUser = userId != null ? userId : byAnonymous == null ? null : byAnonymous.userId();
            forgetVendorIds(linkedAnonymous == null ? null : anonymousKey(linkedAnonymous), at);
            forgetVendorIds(linkedUser == null ? null : userKey(linkedUser), at);
            p = null;
        }
        ObjectNode providers = p instanceof ObjectNode o ? o : null;
        if ("alias".equals(type) && userId != null) {
            String previousId = text(event, "previousId");
            if (previousId != null) {
                // The previous id may be an anonymous id or an earlier user id: carry its vendor ids over.
                Identity prior = get(anonymousKey(previousId));
                if (prior == null) {
                    prior = get(userKey(previousId));
                }
                update(anonymousKey(previousId), get(anonymousKey(previousId)), userId, previousId,
                        prior == null ? null : prior.providers(), null, at);
                byUser = get(userKey(userId));
                update(userKey(userId), byUser, userId,
                        prior != null && prior.anonymousId() != null ? prior.anonymousId() : null,
                        prior == null ? null : prior.providers(), null, at);
                byUser = get(userKey(userId));
            }
        }
        if (anonymousId != null && (userId != null || providers != null)) {
            update(anonymousKey(anonymousId), byAnonymous, userId, anonymousId, providers, null, at);
        }
        if (userId != null && (anonymousId != null || providers != null)) {
            // The user takes over what its browser's anonymous id collected before the login.
            update(userKey(userId), byUser, userId, anonymousId, byAnonymous == null ? null : byAnonymous.providers(),
                    providers, at);
        }
        // An entry its own id's events keep using is not forgotten: rewritten, and republished, once it is half its
        // expiry old (update's rule; until then this costs nothing). Forgetting is by age since the last use.
        if (anonymousId != null && byAnonymous != null && userId == null && providers == null) {
            update(anonymousKey(anonymousId), byAnonymous, null, anonymousId, null, null, at);
        }
        if (userId != null && byUser != null && anonymousId == null && providers == null) {
            update(userKey(userId), byUser, userId, null, null, null, at);
        }
    }

    private void forgetVendorIds(String key, long at) {
        Identity current = key == null ? null : get(key);
        if (current == null || current.providers().isEmpty()) {
            return;
        }
        Identity[] cleared = new Identity[1];
        compute(key, old -> {
            cleared[0] = new Identity(old == null ? current.userId() : old.userId(),
                    old == null ? current.anonymousId() : old.anonymousId(), JSON.objectNode(), at);
            return cleared[0];
        });
        if (cleared[0] != null) {
            publisher.accept(key, cleared[0]);
        }
    }

    /** Applies an entry read from the topic (another instance's, or this one's own): the newer one wins. */
    void apply(String key, Identity incoming) {
        IdentityDb db = entries;
        if (db != null) {
            db.applyAll(java.util.List.of(new IdentityDb.Record(key, incoming)), null, null);
        }
    }

    /** The entry of a key (null: none, or expired), for tests and the admin console. */
    public Identity get(String key) {
        return get(key, false);
    }

    private Identity get(String key, boolean inMemory) {
        IdentityDb db = entries;
        return db == null ? null : db.get(key, inMemory);
    }

    /** Entries on disk, an estimate (RocksDB's {@code rocksdb.estimate-num-keys}; expired ones until compacted). */
    public long size() {
        IdentityDb db = entries;
        return db == null ? 0 : db.estimatedEntries();
    }

    /**
     * Sets the links and merges vendor ids ({@code older} first, then {@code newer}). Most events bring nothing new:
     * that is checked by reading only, without a copy or a write, and the entry is republished only once it is
     * half its expiry old, so that the topic keeps the users who are still active.
     */
    private void update(String key, Identity current, String userId, String anonymousId, ObjectNode older,
                        ObjectNode newer, long at) {
        if (current != null && Objects.equals(current.userId(), userId != null ? userId : current.userId())
                && Objects.equals(current.anonymousId(), anonymousId != null ? anonymousId : current.anonymousId())
                && !adds(current.providers(), older) && !adds(current.providers(), newer)
                && at - current.updatedAt() < ttlMillis / 2) {
            return;
        }
        Identity[] changed = new Identity[1];
        compute(key, old -> {
            String u = userId != null ? userId : old == null ? null : old.userId();
            String a = anonymousId != null ? anonymousId : old == null ? null : old.anonymousId();
            ObjectNode merged = old == null ? JSON.objectNode() : old.providers().deepCopy();
            overwrite(merged, older);
            overwrite(merged, newer);
            changed[0] = new Identity(u, a, merged, at);
            return changed[0];
        });
        if (changed[0] != null) {
            publisher.accept(key, changed[0]);
        }
    }

    /** A read-modify-write of one entry under its lock; nothing before the store is open or after it is closed. */
    private void compute(String key, java.util.function.UnaryOperator<Identity> change) {
        IdentityDb db = entries;
        if (db != null) {
            db.compute(key, change);
        }
    }

    /** Whether {@code newer} holds a vendor id that {@code existing} lacks or has another value for. */
    private static boolean adds(ObjectNode existing, ObjectNode newer) {
        if (newer == null) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> vendors = newer.fields(); vendors.hasNext(); ) {
            Map.Entry<String, JsonNode> vendor = vendors.next();
            if (!(vendor.getValue() instanceof ObjectNode ids)) {
                continue;
            }
            JsonNode known = existing.get(vendor.getKey());
            for (Iterator<Map.Entry<String, JsonNode>> it = ids.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> id = it.next();
                if (id.getValue().isValueNode() && !id.getValue().isNull()
                        && (known == null || !id.getValue().equals(known.get(id.getKey())))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ObjectNode providersOf(ObjectNode event) {
        ObjectNode context = event.get("context") instanceof ObjectNode c ? c : event.putObject("context");
        return context.get("providers") instanceof ObjectNode p ? p : context.putObject("providers");
    }

    /** Copies vendor ids the event lacks, vendor by vendor and key by key. */
    private static void fillMissing(ObjectNode target, ObjectNode known) {
        for (Iterator<Map.Entry<String, JsonNode>> vendors = known.fields(); vendors.hasNext(); ) {
            Map.Entry<String, JsonNode> vendor = vendors.next();
            if (!(vendor.getValue() instanceof ObjectNode ids)) {
                continue;
            }
            ObjectNode into = target.path(vendor.getKey()) instanceof ObjectNode o ? o : null;
            for (Iterator<Map.Entry<String, JsonNode>> it = ids.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> id = it.next();
                if (into == null) {
                    into = target.putObject(vendor.getKey());
                }
                if (!into.hasNonNull(id.getKey())) {
                    // Copied when it is a container: the known entry may be a hot one, shared (IdentityDb).
                    into.set(id.getKey(), id.getValue().isContainerNode() ? id.getValue().deepCopy() : id.getValue());
                }
            }
        }
    }

    /** Newer vendor ids replace older ones. */
    private static void overwrite(ObjectNode target, ObjectNode newer) {
        if (newer == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> vendors = newer.fields(); vendors.hasNext(); ) {
            Map.Entry<String, JsonNode> vendor = vendors.next();
            if (!(vendor.getValue() instanceof ObjectNode ids)) {
                continue;
            }
            ObjectNode into = target.get(vendor.getKey()) instanceof ObjectNode o ? o : target.putObject(vendor.getKey());
            for (Iterator<Map.Entry<String, JsonNode>> it = ids.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> id = it.next();
                if (id.getValue().isValueNode() && !id.getValue().isNull()) {
                    into.set(id.getKey(), id.getValue());
                }
            }
        }
    }

    private static boolean refusesAdvertising(JsonNode event) {
        return ConsentCheck.refuses(event, "advertising");
    }

    private static String text(JsonNode event, String field) {
        JsonNode v = event.get(field);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue() : null;
    }
}
