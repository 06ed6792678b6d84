package io.drover.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Drover's readiness ({@code /observe/health/ready}, check {@code drover-ready}): up once the buffer takes writes
 * and every module present at start reads its events (or has said why it cannot). Each condition is a named gate;
 * once all have opened together, a gate marked as latching stays open, so that a normal start cannot flap. Other
 * checks (the disk floor, the broker) say down on their own when something breaks later.
 */
public final class Readiness extends AbstractHealthCheck {

    public static final String ID = "drover-ready";

    private record Gate(String name, BooleanSupplier open, Supplier<String> why, boolean latching) {
    }

    private final List<Gate> gates = new ArrayList<>();
    private volatile boolean latched;

    public Readiness() {
        super("drover", ID);
    }

    /** A condition that must hold for readiness, every time it is asked. */
    public synchronized Readiness require(String name, BooleanSupplier open, Supplier<String> why) {
        gates.add(new Gate(name, open, why, false));
        return this;
    }

    /** A condition of the start: once every gate has been open together, it is not asked again. */
    public synchronized Readiness requireAtStart(String name, BooleanSupplier open, Supplier<String> why) {
        gates.add(new Gate(name, open, why, true));
        return this;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** Whether Drover is ready now (what the health endpoint reports). */
    public synchronized boolean ready() {
        return waiting().isEmpty();
    }

    private synchronized List<Gate> waiting() {
        List<Gate> closed = new ArrayList<>();
        for (Gate g : gates) {
            if ((!latched || !g.latching()) && !g.open().getAsBoolean()) {
                closed.add(g);
            }
        }
        if (closed.isEmpty()) {
            latched = true;
        }
        return closed;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<Gate> closed = waiting();
        if (closed.isEmpty()) {
            builder.up();
            return;
        }
        builder.down().message(String.join("; ", closed.stream().map(g -> g.name() + ": " + g.why().get()).toList()));
    }
}
