package io.drover.health;

import java.util.concurrent.atomic.AtomicBoolean;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liveness tells the truth about Drover's own threads: a reader that stopped, or an Error such as OutOfMemoryError
 * that ended a thread, is reported DOWN with its name (an OutOfMemoryError once killed the identity reader while
 * health said UP).
 */
class VitalsTest {

    @Test
    void aStoppedReaderAndAFatalErrorAreReported() throws Exception {
        AtomicBoolean alive = new AtomicBoolean(true);
        Vitals vitals = new Vitals().require("the identity topic's reader", alive::get);
        vitals.setCamelContext(new DefaultCamelContext());
        assertThat(vitals.call().getState()).isEqualTo(HealthCheck.State.UP);

        alive.set(false);
        HealthCheck.Result stopped = vitals.call();
        assertThat(stopped.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(stopped.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("identity topic's reader"));

        alive.set(true);
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        try {
            vitals.watchFatalErrors();
            Thread dying = new Thread(() -> {
                throw new OutOfMemoryError("Java heap space (a test)");
            }, "drover-test-dying");
            dying.start();
            dying.join();
            HealthCheck.Result oom = vitals.call();
            assertThat(oom.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(oom.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("OutOfMemoryError")
                    .contains("drover-test-dying"));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    @Test
    void aRunningDroverIsAliveAndSaysWhatItChecks() {
        Http.Response live = Http.send("GET", TestDrover.shared().adminUrl("/observe/health/live"), null);
        assertThat(live.status()).isEqualTo(200);
        Http.Response all = Http.send("GET", TestDrover.shared().adminUrl("/observe/health"), null);
        assertThat(all.body()).contains(Vitals.ID).contains(Readiness.ID);
    }
}
