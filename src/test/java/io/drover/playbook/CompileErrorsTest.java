package io.drover.playbook;

import static io.drover.playbook.Playbooks.compileError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Compile errors name the playbook, the place and the problem. */
class CompileErrorsTest {

    private static String mapping(String item) {
        return "global:\n  mappings:\n    - " + item + "\n";
    }

    @Test
    void anUnknownTransformIsNamedWithItsPlace() {
        String yaml = """
                eventSpecific:
                  "Order Completed":
                    mappings:
                      - {inputKey: a, outputKey: a}
                      - {inputKey: b, outputKey: b}
                      - {inputKey: traits.email, outputKey: em, transforms: [sha265]}
                """;
        assertThat(compileError(yaml)).isEqualTo("playbook acme: eventSpecific.\"Order Completed\".mappings[2].transforms[0]: "
                + "unknown transform 'sha265' (known: lowercase, uppercase, trim, sha256, toString, toFloat, toInteger, "
                + "toBoolean, round, join, split, replace, substring, truncate, hash, truncateFloat, pluck, wrap, sum)");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThat(compileError("globl: {}")).isEqualTo(
                "playbook acme: unknown key 'globl' (expected name, global, default, eventSpecific, request or response)");
        assertThat(compileError("global:\n  mapings: []\n")).isEqualTo(
                "playbook acme: global: unknown key 'mapings' (expected filters, mappings, enrichments, spreadings or expressions)");
        assertThat(compileError(mapping("{inputKey: a, outputkey: b}"))).isEqualTo(
                "playbook acme: global.mappings[0]: unknown key 'outputkey' (expected inputKey, value, outputKey, transforms or default)");
        assertThat(compileError("request: {headers: {}, batchsize: 2}")).isEqualTo(
                "playbook acme: request: unknown key 'batchsize' (expected headers or envelope)");
    }

    @Test
    void mappings() {
        assertThat(compileError(mapping("{inputKey: a}"))).isEqualTo("playbook acme: global.mappings[0]: 'outputKey' is required");
        assertThat(compileError(mapping("{inputKey: a, value: 1, outputKey: b}"))).isEqualTo(
                "playbook acme: global.mappings[0]: needs either 'inputKey' or 'value' (one of them)");
        assertThat(compileError(mapping("{inputKey: \"a..b\", outputKey: b}"))).isEqualTo(
                "playbook acme: global.mappings[0].inputKey: bad path 'a..b': empty name before '.'");
        assertThat(compileError(mapping("{inputKey: \"a[x]\", outputKey: b}"))).isEqualTo(
                "playbook acme: global.mappings[0].inputKey: bad path 'a[x]': '[x]' is neither [], an index nor a quoted name");
        assertThat(compileError(mapping("{inputKey: $.properties.x, outputKey: b}"))).isEqualTo(
                "playbook acme: global.mappings[0].inputKey: paths are written without '$.' (write 'properties.x')");
        assertThat(compileError(mapping("{inputKey: a, outputKey: \"b[].c\"}"))).isEqualTo(
                "playbook acme: global.mappings[0].outputKey: outputKey has 1 [] but the input has 0: each [] of the output needs one in the input");
        assertThat(compileError(mapping("{inputKey: a, outputKey: \"[0]\"}"))).isEqualTo(
                "playbook acme: global.mappings[0].outputKey: an outputKey starts with a name (the vendor event is an object)");
        assertThat(compileError(mapping("{inputKey: a, outputKey: \"\"}"))).isEqualTo(
                "playbook acme: global.mappings[0].outputKey: must not be empty");
    }

    @Test
    void transformArguments() {
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [join]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0]: join needs an argument, e.g. {join: \", \"}");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{lowercase: true}]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0]: lowercase takes no argument (write it as a bare name: - lowercase)");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{round: -1}]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0].round: must be at least 0, got -1");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{round: 2, trim: 1}]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0]: a transform is a name (lowercase) or one name with its argument ({round: 2})");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{replace: {pattern: \"(\"}}]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0].replace.pattern: not a valid regular expression: Unclosed group near index 1");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{replace: {pattern: \"(a)\", replacement: \"$2\"}}]}")))
                .isEqualTo("playbook acme: global.mappings[0].transforms[0].replace.replacement: the replacement refers to group $2 but the pattern has 1 group(s)");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{substring: {start: 3, end: 1}}]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0].substring.end: must be at least 3, got 1");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, transforms: [{split: \"\"}]}"))).isEqualTo(
                "playbook acme: global.mappings[0].transforms[0].split: the separator must not be empty");
    }

    @Test
    void defaults() {
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, default: {type: number, value: 1}}"))).isEqualTo(
                "playbook acme: global.mappings[0].default.type: unknown type 'number' (expected string, integer, float, boolean or null)");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, default: {type: integer, value: 1.5}}"))).isEqualTo(
                "playbook acme: global.mappings[0].default.value: not a whole number: a number (1.5)");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, default: {type: boolean, value: yes}}"))).isEqualTo(
                "playbook acme: global.mappings[0].default.value: not true or false: text ('yes')");
        assertThat(compileError(mapping("{inputKey: a, outputKey: b, default: {type: float}}"))).isEqualTo(
                "playbook acme: global.mappings[0].default: 'value' is required for a float default");
    }

    @Test
    void filters() {
        String prefix = "playbook acme: default.filters[0]";
        assertThat(compileError("default:\n  filters:\n    - {allow: {path: a, exists: true}, deny: {path: a, exists: true}}"))
                .isEqualTo(prefix + ": a filter has either 'allow' or 'deny' (one of them)");
        assertThat(compileError("default:\n  filters:\n    - deny: {path: a, equal: 1}")).isEqualTo(prefix
                + ".deny: unknown key 'equal' (expected path, exists, notExists, equals, notEquals, in, notIn, matches, contains, gt, gte, lt or lte)");
        assertThat(compileError("default:\n  filters:\n    - deny: {equals: 1}")).isEqualTo(
                prefix + ".deny: 'path' is required (the field to test, e.g. properties.revenue)");
        assertThat(compileError("default:\n  filters:\n    - deny: {path: a}")).startsWith(prefix + ".deny: needs an operator: exists, ");
        assertThat(compileError("default:\n  filters:\n    - deny: {path: a, gt: ten}")).isEqualTo(
                prefix + ".deny.gt: expected a number, got text ('ten')");
        assertThat(compileError("default:\n  filters:\n    - deny: {path: a, in: x}")).isEqualTo(
                prefix + ".deny.in: expected a list, got text ('x')");
        assertThat(compileError("default:\n  filters:\n    - deny: {path: a, equals: [1]}")).isEqualTo(
                prefix + ".deny.equals: expected text, a number or a boolean, got a list");
        assertThat(compileError("default:\n  filters:\n    - deny: {path: a, exists: yes}")).isEqualTo(
                prefix + ".deny.exists: expected true or false, got text ('yes')");
        assertThat(compileError("default:\n  filters:\n    - deny: []")).isEqualTo(prefix + ".deny: needs at least one condition");
    }

    @Test
    void enrichmentsAndSpreadings() {
        assertThat(compileError("global:\n  enrichments:\n    - {outputKey: t, timestamp: {unit: minutes}}")).isEqualTo(
                "playbook acme: global.enrichments[0].timestamp.unit: unknown unit 'minutes' (expected s, ms, us or iso)");
        assertThat(compileError("global:\n  enrichments:\n    - {outputKey: t}")).isEqualTo(
                "playbook acme: global.enrichments[0]: needs either 'value' or 'timestamp' (one of them)");
        assertThat(compileError("global:\n  spreadings:\n    - {outputKey: t}")).isEqualTo(
                "playbook acme: global.spreadings[0]: 'inputKey' is required (the object or array to spread)");
        assertThat(compileError("global:\n  spreadings:\n    - {inputKey: \"a[].b\"}")).isEqualTo(
                "playbook acme: global.spreadings[0]: a spreading works on one object: no [] in its paths");
    }

    @Test
    void expressions() {
        assertThat(compileError("global:\n  expressions:\n    - {outputKey: x, simple: \"${header.x\"}")).startsWith(
                "playbook acme: global.expressions[0].simple: not a valid simple expression: expected symbol functionEnd");
        assertThat(compileError("global:\n  expressions:\n    - {outputKey: x, jsonpath: \"$.[[[\"}")).startsWith(
                "playbook acme: global.expressions[0].jsonpath: not a valid jsonpath expression: Could not parse token");
        assertThat(compileError("global:\n  expressions:\n    - {outputKey: x, groovy: \"1\"}")).startsWith(
                "playbook acme: global.expressions[0]: unknown key 'groovy' (expected outputKey, simple, jsonpath, transforms or default)");
        assertThatThrownBy(() -> Playbook.compile("acme",
                new StringReader("global:\n  expressions:\n    - {outputKey: x, simple: \"1\"}"), null))
                .hasMessage("playbook acme: global.expressions[0].simple: expressions need a CamelContext to compile with");
    }

    @Test
    void request() {
        assertThat(compileError("request: {batchSize: 2}")).isEqualTo("playbook acme: request.batchSize: 'batchSize'"
                + " is the module's: set the module's 'batchSize' parameter instead (it has one home, so the run time"
                + " and 'drover module test' cut batches and call the same URL)");
        assertThat(compileError("request: {endpoint: ftp://x}")).startsWith(
                "playbook acme: request.endpoint: 'endpoint' is the module's: set the module's 'endpoint' parameter");
        assertThat(compileError("request: {envelope: {data: []}}")).isEqualTo(
                "playbook acme: request.envelope: needs \"$batch\" exactly once, as the value where the events go (found 0)");
        assertThat(compileError("request: {envelope: [\"$batch\"]}")).isEqualTo(
                "playbook acme: request.envelope: expected a mapping (key: value), got a list");
    }

    @Test
    void theDocument() {
        assertThat(compileError("name: other")).isEqualTo("playbook acme: name: says 'other' but the playbook is 'acme'");
        assertThat(compileError("")).isEqualTo("playbook acme: the playbook is empty");
        assertThat(compileError("- a")).isEqualTo("playbook acme: expected a mapping (key: value), got a list");
        assertThat(compileError("eventSpecific: [a]")).isEqualTo(
                "playbook acme: eventSpecific: expected a mapping (key: value), got a list");
        assertThat(compileError("global:\n  mappings: []\nglobal: {}\n")).startsWith("playbook acme: not valid YAML: ")
                .contains("found duplicate key global").contains("line 3");
        assertThat(compileError("global:\n  mappings: [\n")).startsWith("playbook acme: not valid YAML: ").contains("line 3");
        assertThatThrownBy(() -> Playbook.compile("acme", Path.of("/nonexistent/acme.playbook.yaml"), null))
                .isInstanceOf(PlaybookException.class).hasMessageStartingWith("playbook acme: cannot read /nonexistent/acme.playbook.yaml");
    }

    @Test
    void compilingFromAMapReportsTheSameWay() {
        assertThatThrownBy(() -> Playbook.compile("acme", Map.of("global", Map.of("mappings", java.util.List.of(
                Map.of("inputKey", "a", "outputKey", "b", "transforms", java.util.List.of("md5"))))), null))
                .hasMessageStartingWith("playbook acme: global.mappings[0].transforms[0]: unknown transform 'md5'");
    }
}
