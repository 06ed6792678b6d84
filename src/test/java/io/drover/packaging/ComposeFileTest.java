package io.drover.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/ as an operator uses it: the compose file is valid (checked by Debian's docker-compose, which CI installs;
 * no Docker engine is needed for {@code config}), refuses to start without a write key, and gives the Drover
 * replicas the modules directory and the secrets directory the image reads; the image carries the shipped modules.
 * (The topology itself runs as processes on loopback in topology/ClusterTopologyTest; switching a vendor on from the
 * secrets directory in integration/ModuleUnitTest.)
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("/usr/bin/docker-compose");

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileIsValidAndMountsTheModulesAndTheSecrets() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(COMPOSE), "docker-compose is not installed (Debian: docker-compose)");
        Result ok = config(Map.of("DROVER_WEB_WRITE_KEY", "wk_compose_test_0123456789", "DROVER_ADMIN_TOKEN",
                "admin_compose_test_0123456789"));
        assertThat(ok.status()).as(ok.output()).isZero();
        Map<String, Object> root = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(ok.output());
        Map<String, Object> drover = (Map<String, Object>) ((Map<String, Object>) root.get("services")).get("drover");
        List<String> volumes = (List<String>) drover.get("volumes");
        assertThat(volumes).anyMatch(v -> v.endsWith("/integrations:/integrations:ro"))
                .anyMatch(v -> v.endsWith("/docker/secrets:/run/drover-secrets:ro"));
        assertThat(((Map<String, Object>) drover.get("environment")).get("DROVER_SOURCES_WEB_WRITE_KEY"))
                .isEqualTo("wk_compose_test_0123456789");

        Map<String, Object> services = (Map<String, Object>) root.get("services");
        assertThat(services).containsKeys("prometheus", "grafana", "lb", "kafka-1", "kafka-2", "kafka-3");

        Result refused = config(Map.of("DROVER_ADMIN_TOKEN", "admin_compose_test_0123456789"));
        assertThat(refused.status()).isNotZero();
        assertThat(refused.output()).contains("DROVER_WEB_WRITE_KEY");
    }

    @Test
    void theImageCarriesTheShippedModulesAndReadsTheSecretsDirectory() throws IOException {
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertThat(dockerfile).contains("COPY integrations/ /integrations/")
                .contains("ENV DROVER_INTEGRATIONS_DIR=/integrations")
                .contains("ENV DROVER_SECRETS_DIR=/run/drover-secrets");
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("docker/secrets/").doesNotContain("integrations");
        assertThat(Files.readString(Path.of("docker/secrets/.gitignore"))).contains("*");
    }

    private record Result(int status, String output) {
    }

    private static Result config(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(COMPOSE.toString(), "-f", "docker/compose.yaml", "config")
                .redirectErrorStream(true);
        pb.environment().remove("DROVER_WEB_WRITE_KEY");
        pb.environment().remove("DROVER_ADMIN_TOKEN");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
