package io.drover.health;

import java.util.Map;
import java.util.function.Supplier;

import io.drover.buffer.BufferGate;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A Camel health check (on the admin port's {@code /observe/health}) that is DOWN, with a reason, while a
 * {@link BufferGate} refuses writes: {@code drover-disk} (readiness only: restarting would not free space) and
 * {@code drover-broker} (liveness too: only a restart brings a failed broker back).
 */
public final class GateHealthCheck extends AbstractHealthCheck {

    private final Supplier<String> downBecause;
    private final boolean liveness;

    /** @param downBecause why the check is DOWN, or null while it is UP (a field read: asked per health request) */
    public GateHealthCheck(String id, Supplier<String> downBecause, boolean liveness) {
        super("drover", id);
        this.downBecause = downBecause;
        this.liveness = liveness;
    }

    @Override
    public boolean isLiveness() {
        return liveness;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String down = downBecause.get();
        if (down == null) {
            builder.up();
        } else {
            builder.down().message(down);
        }
    }
}
