package io.drover.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts requests in flight so that a shutdown can stop taking new ones and wait for the others to be answered. */
final class Drain {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    boolean enter() {
        if (closing) {
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    void leave() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Refuses new requests, then waits (bounded) until those in flight are answered; true when all were. */
    boolean closeAndAwait(Duration timeout) throws InterruptedException {
        closing = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return inFlight.get() == 0;
    }
}
