package io.drover.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness (check {@code drover-vitals}): the threads Drover cannot work without are alive (the identity store's
 * reader, each integration's reader), and no thread died of an {@link Error} such as {@code OutOfMemoryError}. An
 * OutOfMemoryError once killed the identity reader while health said UP; now health says DOWN and why, and an
 * orchestrator restarts the process.
 */
public final class Vitals extends AbstractHealthCheck {

    public static final String ID = "drover-vitals";
    private static final Logger LOG = LoggerFactory.getLogger(Vitals.class);

    private record Vital(String name, BooleanSupplier alive) {
    }

    private final List<Vital> vitals = new CopyOnWriteArrayList<>();
    private final List<String> fatal = new CopyOnWriteArrayList<>();

    public Vitals() {
        super("drover", ID);
    }

    /**
     * Records every Error that ends a thread (and is not caught by the thread itself), keeping whatever handler was
     * there before.
     */
    public Vitals watchFatalErrors() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            fatal(thread.getName(), error);
            if (previous != null) {
                previous.uncaughtException(thread, error);
            }
        });
        return this;
    }

    /** A thread that caught an Error itself says so here. */
    public void fatal(String thread, Throwable error) {
        if (error instanceof Error) {
            fatal.add(error.getClass().getSimpleName() + " in thread " + thread);
            LOG.error("{} in thread {}: Drover is not healthy; restart it", error.getClass().getSimpleName(), thread, error);
        }
    }

    /** A condition that must hold while Drover runs (a thread alive, a loop running). */
    public Vitals require(String name, BooleanSupplier alive) {
        vitals.add(new Vital(name, alive));
        return this;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> down = new ArrayList<>(fatal);
        for (Vital v : vitals) {
            if (!v.alive().getAsBoolean()) {
                down.add(v.name() + " has stopped");
            }
        }
        if (down.isEmpty()) {
            builder.up();
        } else {
            builder.down().message(String.join("; ", down) + "; restart Drover");
        }
    }
}
