package io.drover.ingest;

import java.time.Duration;

import io.drover.buffer.EventBuffer;
import io.drover.identity.IdentityStore;
import io.drover.config.Settings;
import io.drover.config.Sources;
import org.apache.camel.CamelContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the ingestion API on the ingestion port's server ({@link IngestServer}) and takes it down gracefully: on shutdown, new
 * requests get 503 with {@code Retry-After} while those in flight are answered.
 */
public final class IngestService extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final Sources sources;
    private final EventBuffer buffer;
    private final IngestLimits limits;
    private final DedupeWindow dedupe;
    private final StoredIdsTail storedIds;
    private final ClientAddress clientAddress;
    private final Drain drain = new Drain();
    private final Duration drainTimeout;
    private IngestHandler handler;

    private final CamelContext context;
    private final IdentityStore identity;
    private final IngestServer server;
    private final String bootstrapServers;
    private final String topic;
    private final FailedEvents failedEvents;
    private final Duration dedupeWindow;
    private final int dedupeMaxEntries;
    private volatile boolean restored;
    private volatile boolean modulesLoaded;

    public IngestService(CamelContext context, Settings settings, Sources sources, EventBuffer buffer,
                         IdentityStore identity, String bootstrapServers, IngestServer server) {
        this.context = context;
        this.bootstrapServers = bootstrapServers;
        this.topic = settings.string("drover.kafka.topic");
        this.failedEvents = new FailedEvents(settings.string("drover.kafka.invalid-topic"));
        this.identity = identity;
        this.server = server;
        this.sources = sources;
        this.buffer = buffer;
        this.limits = new IngestLimits(
                (int) settings.bytes("drover.ingest.max-message-bytes"),
                (int) settings.bytes("drover.ingest.max-batch-bytes"),
                settings.integer("drover.ingest.max-batch-messages"),
                settings.bytes("drover.ingest.max-stored-bytes-per-request"));
        this.dedupeWindow = settings.duration("drover.ingest.dedupe-window");
        this.dedupeMaxEntries = settings.integer("drover.ingest.dedupe-max-entries");
        this.dedupe = new DedupeWindow(dedupeWindow, dedupeMaxEntries);
        this.storedIds = new StoredIdsTail(bootstrapServers, topic, dedupe, dedupeWindow, dedupeMaxEntries,
                followsOtherInstances(settings));
        this.clientAddress = new ClientAddress(settings.list("drover.http.trusted-proxies"));
        this.drainTimeout = settings.duration("drover.shutdown.drain-timeout");
    }

    /** {@code drover.ingest.dedupe-across-instances}: auto follows the topic when Kafka is an external cluster. */
    private static boolean followsOtherInstances(Settings settings) {
        String value = settings.string("drover.ingest.dedupe-across-instances").trim();
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> !settings.string("drover.kafka.bootstrap-servers", "").isBlank();
            default -> throw new IllegalArgumentException(
                    "drover.ingest.dedupe-across-instances must be auto, true or false, not '" + value + "'");
        };
    }

    /**
     * Mounts the API before the port opens (a Camel service started before the server), answering 503 until the dedupe
     * window is restored from the topic (a thread of its own does it meanwhile: a client's retry of a request stored
     * before a crash is then recognised) and the modules present at start are loaded.
     */
    @Override
    protected void doStart() {
        Router router = server.router();
        // Camel's metrics registry exists once the context is configured.
        handler = new IngestHandler(sources, buffer, dedupe, clientAddress, limits, drain,
                new IngestMetrics(CamelContextHelper.findSingleByType(context, MeterRegistry.class)), identity,
                this::admitting, failedEvents);
        router.route("/v1/*").handler(handler);
        router.route(Endpoint.BEACON_PREFIX + "/v1/*").handler(handler);
        Thread tail = new Thread(() -> storedIds.run(ids -> {
            restored = true;
            announce();
        }), "drover-stored-ids");
        tail.setDaemon(true);
        tail.start();
    }

    /** The message ids drover.events holds: the integrations leave out a later copy of one (dedupe across instances). */
    public io.drover.buffer.StoredIds storedIds() {
        return storedIds;
    }

    /**
     * The modules present at start are loaded, so each has committed where it starts reading: nothing acknowledged
     * from now on can be skipped by them, even if Drover is killed before their consumers have their partitions.
     */
    public void modulesLoaded() {
        modulesLoaded = true;
        announce();
    }

    private synchronized void announce() {
        if (admitting()) {
            LOG.info("Drover is taking events on port {}", server.port());
        }
    }

    /** Whether ingestion takes events: the dedupe window is restored and the modules present at start are loaded. */
    public boolean admitting() {
        return restored && modulesLoaded;
    }

    /** Stops taking requests and waits for the ones in flight to be answered. */
    public void drain() throws InterruptedException {
        int inFlight = drain.inFlight();
        if (!drain.closeAndAwait(drainTimeout)) {
            LOG.warn("{} ingestion requests were still in flight after {}", drain.inFlight(), drainTimeout);
        } else if (inFlight > 0) {
            LOG.info("Answered the {} ingestion requests in flight", inFlight);
        }
        // The route stays mounted until the HTTP server itself closes (its router goes with it): late requests get
        // 503 with Retry-After, which clients and load balancers retry, never the router's 404, which they do not.
    }

    @Override
    protected void doStop() {
        // The routes stay: see drain(). The tail stops with the integrations (they are stopped before this service).
        storedIds.stop();
    }

    /** Requests being read or written now. */
    public int inFlight() {
        return drain.inFlight();
    }

    public long clientMetricsReceived() {
        return (long) handler.metrics.clientMetricsCount();
    }
}
