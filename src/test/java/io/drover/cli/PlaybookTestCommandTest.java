package io.drover.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The playbook tester, as a module author runs it: a real playbook file, a fixture events file, the printed result. */
class PlaybookTestCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsEachEventsOutcomeAndTheVendorRequest() throws Exception {
        Path events = dir.resolve("events.json");
        Files.writeString(events, """
                [{"type":"track","event":"Order Completed","userId":"u1","messageId":"m-1",
                  "timestamp":"2026-11-28T10:00:00.000Z",
                  "properties":{"revenue":25,"currency":"eur","order_id":7,
                                "products":[{"product_id":"p-1","quantity":2,"price":12.5,"category":"Shoes"}]},
                  "context":{"ip":"192.0.2.1","traits":{"email":" Ann@Example.com "}}},
                 {"type":"track","event":"Order Completed","userId":"u1","messageId":"m-2","properties":{"revenue":0}}]
                """);
        Run run = run(Path.of("src/test/resources/playbooks/acme-ads.playbook.yaml").toString(), events.toString());
        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out).contains("event 0 (track Order Completed, messageId m-1): TRANSFORMED")
                .contains("\"event_name\" : \"Purchase\"")
                .contains("\"currency\" : \"EUR\"")
                .contains("event 1 (track Order Completed, messageId m-2): DROPPED")
                .contains("denied by filter 'zero-value orders'")
                .contains("POST (the module's endpoint)")
                .contains("\"data\" : [");
    }

    @Test
    void aModuleFileLeadsToItsPlaybookAndErrorsNameThePlace() throws Exception {
        Files.writeString(dir.resolve("x.playbook.yaml"), "global:\n  mappings:\n    - {inputKey: a, outputKey: b, transforms: [sha265]}\n");
        Files.writeString(dir.resolve("x.yaml"), "- templatedRoute:\n    routeTemplateRef: drover-playbook\n"
                + "    parameters:\n      - {name: name, value: x}\n      - {name: playbookFile, value: x.playbook.yaml}\n");
        Files.writeString(dir.resolve("e.json"), "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"a\":\"v\"}");
        Run run = run(dir.resolve("x.yaml").toString(), dir.resolve("e.json").toString());
        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).contains("playbook x").contains("global.mappings[0]").contains("sha265");
    }

    /** Before, "For input string: {{linkedin.batch-size:5000}}": a batch size given as a setting with a default. */
    @Test
    void aShippedPlaybookModuleWithItsBatchSizeAsASettingRuns() throws Exception {
        Run run = run("integrations/linkedin.yaml", "src/test/resources/events/order-completed.json");
        assertThat(run.err).isEmpty();
        assertThat(run.status).isZero();
        assertThat(run.out).contains("TRANSFORMED").contains("\"idType\" : \"SHA256_EMAIL\"")
                .contains("X-RestLi-Method: BATCH_CREATE");
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PlaybookTest.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
