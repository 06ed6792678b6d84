package io.drover.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code drover module test}: the shipped webhook module's real code over fixture events, compared with its golden
 * outputs in src/test/resources/module-test/webhook (written with --update, read by a person once); and the errors an
 * author gets.
 */
class ModuleTestCommandTest {

    private static final String SECRET = "whsec_test_0123456789abcdef";
    private static final List<String> SETTINGS = List.of("--set", "webhook.url=http://127.0.0.1:9/hook",
            "--set", "webhook.secret=" + SECRET, "--set", "webhook.batch-size=2", "--now", "2026-11-28T12:00:00Z");

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ModuleTestCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> args(String... first) {
        List<String> a = new ArrayList<>(List.of(first));
        a.addAll(SETTINGS);
        return a;
    }

    @Test
    void theShippedWebhookModuleMakesItsGoldenRequests() {
        Run run = run(args("test", "integrations/webhook.yaml", "--events", "src/test/resources/module-test/fixtures",
                "--expect", "src/test/resources/module-test/webhook"));
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("three-signups.json: as expected").contains("order-completed.json: as expected");
    }

    @Test
    void batchesAreCutAtTheModulesBatchSizeAndSignedAsAtRunTime() throws Exception {
        Run run = run(args("test", "integrations/webhook.yaml", "--events",
                "src/test/resources/module-test/fixtures/three-signups.json"));
        assertThat(run.status()).as(run.err()).isZero();
        String[] requests = run.out().split("\nPOST http://127.0.0.1:9/hook\n");
        assertThat(requests).hasSize(3);   // the heading, then one request per batch: 2 events, then 1
        assertThat(requests[1]).contains("\"u-0\"").contains("\"u-1\"").doesNotContain("\"u-2\"");
        assertThat(requests[2]).contains("\"u-2\"");
        String[] lines = requests[1].split("\n");
        String signature = lines[1].substring("X-Drover-Signature: sha256=".length());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(signature).isEqualTo(HexFormat.of().formatHex(mac.doFinal(lines[2].getBytes(StandardCharsets.UTF_8))));
        assertThat(run.out()).as("the secret itself is never printed").doesNotContain(SECRET);
    }

    @Test
    void aDifferentOutputFailsAndSaysWhatItGivesNow() throws Exception {
        Files.writeString(dir.resolve("three-signups.txt"), "something else\n");
        Run run = run(args("test", "integrations/webhook.yaml", "--events",
                "src/test/resources/module-test/fixtures/three-signups.json", "--expect", dir.toString()));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("three-signups.json: differs from").contains("\"u-2\"");
    }

    @Test
    void missingSettingsAndWrongParametersAreNamedWithTheirPlace() throws Exception {
        Run missing = run(List.of("test", "integrations/webhook.yaml", "--events",
                "src/test/resources/module-test/fixtures/page.json"));
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("missing setting webhook.url (environment variable WEBHOOK_URL)")
                .contains("webhook.secret");

        Path module = dir.resolve("acme.yaml");
        Files.writeString(module, Files.readString(Path.of("integrations/webhook.yaml"))
                .replace("value: \"500\"", "value: later"));
        Run wrong = run(args("test", module.toString(), "--events", "src/test/resources/module-test/fixtures/page.json"));
        assertThat(wrong.status()).isEqualTo(2);
        assertThat(wrong.err()).containsPattern("acme\\.yaml:[0-9]+: parameter 'lingerMs': expected a whole number, got 'later'");
    }
}
