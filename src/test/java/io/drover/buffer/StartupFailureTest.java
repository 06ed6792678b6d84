package io.drover.buffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.drover.testing.FreePorts;
import io.drover.testing.JavaProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A Drover that cannot start says why and exits non-zero, promptly: never a process that runs without its API. */
class StartupFailureTest {

    @ParameterizedTest(name = "{0} taken")
    @ValueSource(strings = {"DROVER_HTTP_PORT", "DROVER_ADMIN_PORT", "DROVER_KAFKA_EMBEDDED_PORT"})
    void aTakenPortStopsTheStart(String taken) throws Exception {
        Path dir = Files.createTempDirectory("drover-startup-");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "DROVER_HTTP_PORT", String.valueOf(FreePorts.next()),
                    "DROVER_ADMIN_PORT", String.valueOf(FreePorts.next()),
                    "DROVER_KAFKA_EMBEDDED_PORT", String.valueOf(FreePorts.next()),
                    "DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(FreePorts.next()),
                    "DROVER_DATA_DIR", dir.toString()));
            env.put("DROVER_HTTP_HOST", "127.0.0.1");
            env.put(taken, String.valueOf(busy.getLocalPort()));
            Path log = dir.resolve("drover.log");
            Process p = JavaProcess.start("io.drover.Drover", List.of("-Xmx256m"), List.of(), env, log);
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            assertThat(exited).as("exited within 60 s; see " + log).isTrue();
            assertThat(p.exitValue()).isNotZero();
            assertThat(read(log)).contains("Drover could not start").contains(String.valueOf(busy.getLocalPort()));
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log);
    }
}
