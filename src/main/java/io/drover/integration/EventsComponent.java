package io.drover.integration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code drover-events} component: where an integration's route starts. It knows the Kafka cluster and topic;
 * each endpoint is one integration's consumer.
 */
public class EventsComponent extends DefaultComponent {

    /** Records kept per partition for sharing: see {@link ParsedEvents} for why it is small. */
    public static final int DEFAULT_SHARED_PARSE_SLOTS = 256;

    private String bootstrapServers;
    private String topic = "drover.events";
    private String instanceId;
    private Short replicationFactor;
    private int sharedParseSlots = DEFAULT_SHARED_PARSE_SLOTS;
    /** Set by DroverServer: the message ids drover.events holds, so that a re-sent event is delivered once. */
    private volatile io.drover.buffer.StoredIds storedIds = io.drover.buffer.StoredIds.NONE;
    private ParsedEvents parsedEvents;   // made on first use, under the lock of parsedEvents()
    /** While the modules present at start load: the moment Drover started, before its port opened; else 0. */
    private volatile long bootTime;
    /** Per integration: the moment it was first loaded, until its consumer has committed where it starts. */
    private final Map<String, Long> loadedAt = new ConcurrentHashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || !remaining.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("drover-events needs an integration name of lower-case letters, digits,"
                    + " '-' or '_', got '" + remaining + "'");
        }
        EventsEndpoint endpoint = new EventsEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    /** Replication of the dead-letter topics Drover creates; null: the cluster's default. */
    public Short getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(Short replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    /**
     * Parsed events kept per partition of the topic for the other integrations of this instance (see
     * {@link ParsedEvents}); 0: each integration parses every record itself.
     */
    public int getSharedParseSlots() {
        return sharedParseSlots;
    }

    public void setSharedParseSlots(int sharedParseSlots) {
        this.sharedParseSlots = sharedParseSlots;
    }

    public io.drover.buffer.StoredIds storedIds() {
        return storedIds;
    }

    public void setStoredIds(io.drover.buffer.StoredIds storedIds) {
        this.storedIds = storedIds == null ? io.drover.buffer.StoredIds.NONE : storedIds;
    }

    synchronized ParsedEvents parsedEvents() {
        if (parsedEvents == null) {
            parsedEvents = new ParsedEvents(sharedParseSlots);
        }
        return parsedEvents;
    }

    /** A stable id of this Drover instance for Kafka's static membership (fast rejoin after a restart), or null. */
    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    /**
     * Modules loaded from now until {@link #booted()} were there when Drover started: they read every event
     * acknowledged since {@code startedAt}, a moment before the ingestion port opened.
     */
    public void booting(long startedAt) {
        bootTime = startedAt;
    }

    /** From now on a module that is loaded starts reading at the events acknowledged from its loading on. */
    public void booted() {
        bootTime = 0;
    }

    /**
     * Where a new integration starts, as a time: events acknowledged from then on are its own. The first load of an
     * integration in this process decides (a reload before it has committed its start keeps that time).
     */
    long startTime(String integration) {
        long boot = bootTime;
        return loadedAt.computeIfAbsent(integration, i -> boot > 0 ? boot : System.currentTimeMillis());
    }

    /** The integration has committed where it starts: its load time is no longer needed. */
    void started(String integration) {
        loadedAt.remove(integration);
    }
}
