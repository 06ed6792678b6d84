package io.drover.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin port's metrics follow Prometheus' conventions: {@code promtool check metrics} (Debian's prometheus package,
 * which CI installs) finds nothing to warn about; labels are snake_case and hold no URL; latencies are histograms;
 * the JVM and the process are there.
 */
class MetricsConventionsTest {

    private static final Pattern LABEL = Pattern.compile("[{,]([A-Za-z_][A-Za-z0-9_]*)=\"([^\"]*)\"");
    private final TestDrover drover = TestDrover.shared();

    private String scrape() {
        // One answered request and one event delivered, so that the request and delivery meters exist.
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"metrics\",\"event\":\"Scraped\"}", "Authorization",
                Http.basic(TestDrover.BACKEND_KEY), "Content-Type", "application/json").status()).isEqualTo(200);
        Http.Response r = Http.send("GET", drover.adminUrl("/observe/metrics"), null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    @Test
    void labelsAreSnakeCaseAndHoldNoUrlAndLatenciesAreHistograms() {
        String metrics = scrape();
        for (String line : metrics.lines().filter(l -> !l.startsWith("#")).toList()) {
            Matcher m = LABEL.matcher(line);
            while (m.find()) {
                assertThat(m.group(1)).as(line).matches("[a-z][a-z0-9_]*");
                assertThat(m.group(2)).as(line).doesNotContain("://");
            }
        }
        assertThat(metrics).contains("drover_ingest_request_seconds_bucket{endpoint=\"track\",le=\"0.005\"}")
                .contains("# TYPE drover_integration_delivery_seconds histogram")
                .contains("jvm_memory_used_bytes").contains("jvm_gc_").contains("jvm_threads_live_threads")
                .contains("process_files_open_files").contains("process_cpu_usage")
                .contains("drover_ready 1.0").contains("drover_buffer_takes_writes 1.0")
                .contains("kafka_producer_record_send_total{").contains("kafka_producer_record_error_total{")
                .contains("kafka_producer_connections{").doesNotContain("kafka_consumer_");
    }

    @Test
    void promtoolFindsNothingToWarnAbout() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian: prometheus)");
        String metrics = scrape();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isBlank();
    }
}
