package io.drover.buffer;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded broker's fatal errors from killing Drover's JVM. Kafka ends its process through
 * {@link Exit#halt} or {@link Exit#exit} when all its log directories have failed (a full disk) or on a fatal
 * KRaft error; inside Drover that would take the ingestion API, the admin port and every integration with it, with no
 * answer to anyone. Installed once the broker has started, the procedures here record the failure instead: an ERROR
 * once, then ingestion answers 503 {@code broker_failed} and the {@code drover-broker} health check is DOWN (liveness
 * and readiness), until an operator (or an orchestrator, from liveness) restarts Drover. The broker is not restarted
 * in place: Kafka assumes the process is gone after such an error, and its half-stopped state is not reusable.
 *
 * <p>Kafka's procedures are JVM-wide: every broker registered here (one in production) is marked failed. Drover's own
 * {@code System.exit} calls do not go through them.
 */
public final class BrokerFailure implements BufferGate {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerFailure.class);
    static final int RETRY_AFTER_SECONDS = 60;
    private static final List<BrokerFailure> INSTALLED = new CopyOnWriteArrayList<>();

    private volatile String reason;
    private volatile BufferUnavailable refusal;

    /** Takes Kafka's exit and halt procedures (from now until {@link #uninstall()}). */
    public void install() {
        synchronized (INSTALLED) {
            if (INSTALLED.isEmpty()) {
                Exit.setHaltProcedure((status, message) -> reported("halt", status, message));
                Exit.setExitProcedure((status, message) -> reported("exit", status, message));
            }
            INSTALLED.add(this);
        }
    }

    /** Gives Kafka's procedures back once no broker of this JVM needs them. */
    public void uninstall() {
        synchronized (INSTALLED) {
            if (INSTALLED.remove(this) && INSTALLED.isEmpty()) {
                Exit.resetHaltProcedure();
                Exit.resetExitProcedure();
            }
        }
    }

    private static void reported(String how, int status, String message) {
        String caller = StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith(BrokerFailure.class.getName())
                        && !f.getClassName().equals(Exit.class.getName())
                        && !f.getClassName().startsWith("kafka.utils.Exit"))
                .findFirst().map(f -> f.getClassName() + "." + f.getMethodName()).orElse("unknown"));
        String reason = "Kafka asked to " + how + " the process (status " + status + ") from " + caller + " on thread "
                + Thread.currentThread().getName() + (message == null ? "" : ": " + message);
        for (BrokerFailure f : INSTALLED) {
            f.failed(reason);
        }
    }

    void failed(String why) {
        synchronized (this) {
            if (reason != null) {
                LOG.debug("The embedded Kafka broker failed again: {}", why);
                return;
            }
            reason = why;
            refusal = new BufferUnavailable("broker_failed", "Drover's event buffer (its embedded Kafka broker) has"
                    + " failed and takes no events until Drover is restarted; retry later", RETRY_AFTER_SECONDS);
        }
        LOG.error("The embedded Kafka broker has failed ({}; its log above says why, e.g. a full disk). Drover stays"
                + " up: ingestion answers 503 broker_failed and the drover-broker health check is DOWN. Free the cause"
                + " (e.g. disk space), then restart Drover: every acknowledged event is in the log.", why);
    }

    @Override
    public BufferUnavailable refusal() {
        return refusal;
    }

    /** Why the broker failed, if it did. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }
}
