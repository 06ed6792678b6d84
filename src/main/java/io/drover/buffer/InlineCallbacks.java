package io.drover.buffer;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The buffer's Kafka endpoint's {@code workerPool}: camel-kafka hands every acknowledgement to a worker pool before
 * it completes the exchange, and the HTTP answer was written from there, one thread hop per request after Kafka's
 * producer thread had the acknowledgement (0.13 of the 1.16 cores Drover used for 8,500 single posts a second). This
 * runs the completion where the acknowledgement arrives instead: what follows is short (the route's end, the
 * dedupe window, a counter, handing the answer to its Vert.x connection), as a Kafka callback should be.
 */
public final class InlineCallbacks extends AbstractExecutorService {

    /** The name the buffer route's endpoint refers to ({@code workerPool=#droverBufferCallbacks}). */
    public static final String BEAN = "droverBufferCallbacks";

    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
