package io.drover.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard (docker/grafana/dashboards/drover.json) asks only for metrics Drover exports: every metric a
 * query names is in a scrape of the admin port, or is one Drover's code registers (some exist only once their case
 * happens: a refusal, a held event). And compose's Prometheus configuration is valid.
 */
class DashboardTest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:drover|jvm|process|camel|kafka)_[a-z0-9_]+)\\b");
    private static final Pattern REGISTERED = Pattern.compile("(Counter|Gauge|Timer)\\.builder\\(\"(drover\\.[a-z.]+)\"");

    @Test
    void everyQueryNamesAnExportedMetric() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docker/grafana/dashboards/drover.json").toFile());
        Set<String> asked = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.get("expr").asText());
                while (m.find()) {
                    asked.add(m.group(1));
                }
            }
        }
        assertThat(asked).hasSizeGreaterThan(10);
        Set<String> exported = exported();
        assertThat(asked).as("metrics the dashboard asks for that Drover does not export").isSubsetOf(exported);
    }

    @Test
    void prometheusConfigurationIsValid() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian: prometheus)");
        Process p = new ProcessBuilder(promtool.toString(), "check", "config", "docker/prometheus.yml")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** Names in a scrape of the shared test Drover, and those the code registers, with Prometheus' suffixes. */
    private static Set<String> exported() throws IOException {
        Set<String> names = new TreeSet<>();
        String scrape = Http.send("GET", TestDrover.shared().adminUrl("/observe/metrics"), null).body();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> names.add(l.split("[{ ]")[0]));
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = REGISTERED.matcher(Files.readString(f));
                while (m.find()) {
                    String base = m.group(2).replace('.', '_');
                    switch (m.group(1)) {
                        case "Counter" -> names.add(base + "_total");
                        case "Gauge" -> names.add(base);
                        default -> names.addAll(Set.of(base + "_seconds_bucket", base + "_seconds_sum",
                                base + "_seconds_count", base + "_seconds_max"));
                    }
                }
            }
        }
        return names;
    }
}
