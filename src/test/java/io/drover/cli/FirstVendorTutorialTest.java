package io.drover.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.DroverServer;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/first-vendor.md, followed literally: its files (the module, the fixture) and its commands (module test, the
 * secrets, the curl) are read from the page itself, so the page cannot drift from what works. Only the vendor is
 * stood in for (a WireMock server on loopback, where the page runs a Python one-liner), and ports are free ones.
 */
class FirstVendorTutorialTest {

    private static final Path DOC = Path.of("docs/first-vendor.md");
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)( title=([^\\n]+))?\\n(.*?)\\n```", Pattern.DOTALL);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private record Block(String language, String title, String text) {
    }

    private static List<Block> blocks() throws Exception {
        Matcher m = BLOCK.matcher(Files.readString(DOC));
        List<Block> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(3), m.group(4)));
        }
        return blocks;
    }

    private static Block titled(List<Block> blocks, String title) {
        return blocks.stream().filter(b -> title.equals(b.title())).findFirst()
                .orElseThrow(() -> new AssertionError("docs/first-vendor.md has no block titled " + title));
    }

    private static String command(List<Block> blocks, String containing) {
        return blocks.stream().filter(b -> b.language().equals("bash") && b.text().contains(containing))
                .map(b -> b.text().replace("\\\n", " ")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/first-vendor.md has no command with " + containing));
    }

    /** The words of a shell command line, quotes removed (the page's commands use simple quoting only). */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return words;
    }

    @Test
    void theTutorialWorksAsWritten() throws Exception {
        List<Block> blocks = blocks();
        // The files of the page, at the paths it gives.
        Path integrations = Files.createDirectories(dir.resolve("integrations"));
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Block module = titled(blocks, "integrations/acme-crm.yaml");
        Block fixture = titled(blocks, "fixtures/signed-up.json");
        Files.createDirectories(dir.resolve("fixtures"));
        Files.writeString(dir.resolve(fixture.title()), fixture.text() + "\n");
        Path moduleFile = dir.resolve(module.title());

        // Step 3 first, as an author would before dropping the file in: module test prints the request.
        Path draft = Files.createDirectories(dir.resolve("draft")).resolve("acme-crm.yaml");
        Files.writeString(draft, module.text() + "\n");
        List<String> test = words(command(blocks, "module test"));
        test = new ArrayList<>(test.subList(test.indexOf("module") + 1, test.size()));
        test.replaceAll(w -> w.equals(module.title()) ? draft.toString()
                : w.equals(fixture.title()) ? dir.resolve(fixture.title()).toString() : w);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ModuleTestCommand.run(test, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(titled(blocks, "the request it prints").text());

        // Step 1: Drover as the page starts it (private targets allowed, the secrets directory).
        String start = command(blocks, "java -jar target/drover.jar");
        assertThat(start).contains("DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS=true").contains("DROVER_SECRETS_DIR=secrets");
        WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(WireMock.post(WireMock.urlEqualTo("/v1/events")).willReturn(WireMock.ok()));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("drover.http.host", "127.0.0.1");
        settings.put("drover.http.port", String.valueOf(FreePorts.next()));
        settings.put("drover.admin.port", String.valueOf(FreePorts.next()));
        settings.put("drover.kafka.embedded.port", String.valueOf(FreePorts.next()));
        settings.put("drover.kafka.embedded.controller-port", String.valueOf(FreePorts.next()));
        settings.put("drover.kafka.partitions", "1");
        settings.put("drover.data-dir", dir.resolve("data").toString());
        settings.put("drover.integrations-dir", integrations.toString());
        settings.put("drover.delivery.allow-private-targets", "true");
        settings.put("drover.secrets-dir", secrets.toString());
        DroverServer drover = new DroverServer(settings).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> drover.readiness().ready());

            // Step 2: the module file dropped in; it is off until its settings are set, and says which.
            Files.writeString(moduleFile, module.text() + "\n");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> drover.integrations().errors().get(moduleFile) != null);
            assertThat(drover.integrations().errors().get(moduleFile)).isEqualTo("missing settings acme-crm.url"
                    + " (environment variable ACME_CRM_URL), acme-crm.token (environment variable ACME_CRM_TOKEN)");

            // Step 4: the settings in the secrets directory, as the page writes them (the vendor's port is ours).
            for (String line : command(blocks, "secrets/acme-crm.url").split("\n")) {
                List<String> w = words(line);
                Path file = dir.resolve(w.get(w.size() - 1));
                Files.writeString(file, w.get(1).replace("http://127.0.0.1:9999", "http://127.0.0.1:" + vendor.port()));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.integrations().errors().get(moduleFile) == null
                    && drover.integrations().modules().containsKey(moduleFile) && drover.integrations().bootRoutesNotReading().isEmpty());

            // Step 5: the curl, with the default source's write key.
            Properties source = new Properties();
            try (InputStream in = Files.newInputStream(dir.resolve("data/default-source.properties"))) {
                source.load(in);
            }
            List<String> curl = words(command(blocks, "curl"));
            String body = curl.get(curl.indexOf("-d") + 1);
            Http.Response r = Http.post("http://127.0.0.1:" + settings.get("drover.http.port") + "/v1/track", body,
                    "Authorization", Http.basic(source.getProperty("write-key")), "Content-Type", "application/json");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    !vendor.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/v1/events"))).isEmpty());
            LoggedRequest received = vendor.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/v1/events"))).get(0);
            assertThat(received.getHeader("Authorization")).isEqualTo("Bearer acme-test-token");
            assertThat(MAPPER.readTree(received.getBodyAsString()))
                    .isEqualTo(MAPPER.readTree(titled(blocks, "what Acme CRM receives").text()));
        } finally {
            drover.stop();
            vendor.stop();
        }
    }
}
