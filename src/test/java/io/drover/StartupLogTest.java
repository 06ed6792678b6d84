package io.drover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.DroverProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clean start, with the shipped modules and none of their secrets, as an operator reads it: it fits on one screen,
 * has no WARN or ERROR line (a vendor without its settings is off, which is how Drover ships), and its last lines say
 * where the API and the admin port are. With {@code DROVER_LOG_FORMAT=json} every line is one JSON object.
 */
class StartupLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCleanStartFitsOnOneScreenWithoutWarningsAndEndsWithWhereThingsAre(@TempDir Path dir) throws Exception {
        List<String> lines = start(dir, Map.of());
        System.out.printf("StartupLogTest: a clean start logs %d lines%n", lines.size());
        assertThat(lines).as("a start fits on one screen").hasSizeLessThanOrEqualTo(50);
        assertThat(lines).as("no WARN or ERROR on a clean start").noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
        String last = String.join("\n", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        assertThat(last).contains("Ingestion API http://127.0.0.1:").contains("/observe/health")
                .contains("Integrations: 0 running, 15 not started");
        assertThat(lines).anyMatch(l -> l.contains("Integration module meta.yaml is off: missing settings meta.pixel-id"));
    }

    @Test
    void theJsonFormatWritesOneObjectPerLine(@TempDir Path dir) throws Exception {
        List<String> lines = start(dir, Map.of("DROVER_LOG_FORMAT", "json"));
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.path("level").asText()).as(line).isIn("INFO", "DEBUG");
            assertThat(entry.hasNonNull("time") && entry.hasNonNull("logger") && entry.hasNonNull("message")).as(line).isTrue();
        }
        assertThat(lines).anyMatch(l -> l.contains("\"message\":\"Integrations: 0 running, 15 not started"));
    }

    private static List<String> start(Path dir, Map<String, String> env) throws Exception {
        Path integrations = Files.createDirectories(dir.resolve("integrations"));
        try (var files = Files.list(Path.of("integrations"))) {
            for (Path f : files.toList()) {
                Files.copy(f, integrations.resolve(f.getFileName()));
            }
        }
        Map<String, String> settings = new java.util.HashMap<>(env);
        settings.put("DROVER_INTEGRATIONS_DIR", integrations.toString());
        try (DroverProcess drover = new DroverProcess(dir.resolve("data"), dir, "wk_startup_0123456789", settings)) {
            drover.start().awaitReady(Duration.ofSeconds(90));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(drover.log()).contains("Integrations: "));
            return Files.readAllLines(drover.log()).stream().filter(l -> !l.isBlank()).toList();
        }
    }
}
