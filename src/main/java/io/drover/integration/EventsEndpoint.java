package io.drover.integration;

import io.drover.config.Settings;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code drover-events:<integration>}: the events of drover.events for one integration, in batches, with its own
 * consumer group ({@code drover-<integration>}), at-least-once: offsets are committed only after the route delivered
 * the batch or the batch was written to {@code drover.dlq.<integration>}.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "drover-events", title = "Drover events", syntax = "drover-events:integration",
        consumerOnly = true, category = {Category.MESSAGING})
public class EventsEndpoint extends DefaultEndpoint {

    /** A thread per request in flight: more than this is a mistake (a vendor's limit is far below). */
    static final int MAX_CONCURRENCY = 256;

    @UriPath
    private final String integration;
    @UriParam(defaultValue = "100")
    private int batchSize = 100;
    @UriParam(defaultValue = "1", description = "Requests in flight to the vendor at most; one user's events stay in order")
    private int concurrency = 1;
    @UriParam(defaultValue = "1000", description = "How long a batch may wait for more events, in ms")
    private long lingerMs = 1000;
    @UriParam(defaultValue = "latest", enums = "latest,earliest",
            description = "Where a new integration (no committed offset yet) starts reading")
    private String startFrom = "latest";
    @UriParam(defaultValue = "10")
    private int maxAttempts = RetryPolicy.DEFAULT.maxAttempts();
    @UriParam(defaultValue = "3h")
    private String retryWindow = "3h";
    @UriParam(defaultValue = "1s")
    private String initialDelay = "1s";
    @UriParam(defaultValue = "5m")
    private String maxDelay = "5m";
    @UriParam(defaultValue = "0", description = "Requests per second to the vendor at most; 0: no limit")
    private double rateLimit;
    @UriParam(defaultValue = "0s", description = "How long after Drover received it an event is held before it is sent")
    private String delay = "0s";

    public EventsEndpoint(String uri, EventsComponent component, String integration) {
        super(uri, component);
        this.integration = integration;
    }

    @Override
    public EventsComponent getComponent() {
        return (EventsComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("drover-events is a consumer only");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        EventsConsumer consumer = new EventsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency);
        }
        this.concurrency = concurrency;
    }

    public String getIntegration() {
        return integration;
    }

    RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts, Settings.parseDuration(retryWindow), Settings.parseDuration(initialDelay),
                Settings.parseDuration(maxDelay));
    }

    long delayMillis() {
        long ms = Settings.parseDuration(delay).toMillis();
        if (ms < 0) {
            throw new IllegalArgumentException("delay must not be negative, got '" + delay + "'");
        }
        return ms;
    }

    public String getDelay() {
        return delay;
    }

    public void setDelay(String delay) {
        this.delay = delay;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public long getLingerMs() {
        return lingerMs;
    }

    public void setLingerMs(long lingerMs) {
        this.lingerMs = lingerMs;
    }

    public String getStartFrom() {
        return startFrom;
    }

    public void setStartFrom(String startFrom) {
        this.startFrom = startFrom;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public String getRetryWindow() {
        return retryWindow;
    }

    public void setRetryWindow(String retryWindow) {
        this.retryWindow = retryWindow;
    }

    public String getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(String initialDelay) {
        this.initialDelay = initialDelay;
    }

    public String getMaxDelay() {
        return maxDelay;
    }

    public void setMaxDelay(String maxDelay) {
        this.maxDelay = maxDelay;
    }

    public double getRateLimit() {
        return rateLimit;
    }

    public void setRateLimit(double rateLimit) {
        this.rateLimit = rateLimit;
    }
}
