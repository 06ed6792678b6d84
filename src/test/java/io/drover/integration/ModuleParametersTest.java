package io.drover.integration;

import java.util.List;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module's parameters are checked against routes/parameters.yaml before it starts: every problem at once, each with
 * the file, the line, the parameter and the fix.
 */
class ModuleParametersTest {

    private static final TemplateParameters DECLARED = TemplateParameters.load();
    private static DefaultCamelContext context;

    @BeforeAll
    static void start() {
        context = new DefaultCamelContext();
        context.getPropertiesComponent().addInitialProperty("acme.batch", "250");
        context.start();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    private static List<String> problems(String yaml) {
        return ModuleParameters.problems("acme.yaml", yaml, DECLARED, context);
    }

    @Test
    void aCorrectModuleHasNoProblemAndPlaceholdersAreResolvedFirst() {
        assertThat(problems("""
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: acme
                    parameters:
                      - {name: name, value: acme}
                      - {name: endpoint, value: "https://api.acme.example/v1"}
                      - {name: batchSize, value: "{{acme.batch}}"}
                      - {name: startFrom, value: earliest}
                      - {name: maxAge, value: 7d}
                      - {name: rateLimit, value: "2.5"}
                """)).isEmpty();
    }

    @Test
    void everyProblemIsNamedAtOnceWithItsLineAndTheFix() {
        List<String> problems = problems("""
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: acme
                    parameters:
                      - name: name
                        value: Acme Ads
                      - name: batchsize
                        value: "500"
                      - name: lingerMs
                        value: soon
                      - name: startFrom
                        value: oldest
                      - name: maxAttempts
                        value: "0"
                      - name: retryWindow
                        value: 3 hours
                      - name: method
                        value: GET
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "acme.yaml:8: parameter 'batchsize': unknown parameter of drover-integration: did you mean 'batchSize'?",
                "acme.yaml:2: parameter 'endpoint': missing: add - {name: endpoint, value: ...} (The vendor's URL (http:// or https://))",
                "acme.yaml:6: parameter 'name': got 'Acme Ads', which is not the integration's name: its consumer group is"
                        + " drover-<name>, its dead letters go to drover.dlq.<name> (lower-case letters, digits, - and _)"
                        + " (pattern ^[a-z0-9][a-z0-9_-]*$)",
                "acme.yaml:10: parameter 'lingerMs': expected a whole number, got 'soon', from 0 to 600000",
                "acme.yaml:12: parameter 'startFrom': expected one of latest, earliest, got 'oldest'",
                "acme.yaml:14: parameter 'maxAttempts': got '0', at least 1",
                "acme.yaml:16: parameter 'retryWindow': expected a duration such as 500ms, 30s, 5m, 3h or 7d, got '3 hours'",
                "acme.yaml:18: parameter 'method': expected one of POST, PUT, PATCH, got 'GET'");
    }

    @Test
    void aValueWhoseSettingIsMissingIsLeftToTheMissingSettingsMessage() {
        assertThat(problems("""
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    parameters:
                      - {name: name, value: acme}
                      - {name: endpoint, value: "{{acme.url}}"}
                """)).isEmpty();
    }

    @Test
    void aSecretsValueIsNeverShown() {
        assertThat(problems("""
                - templatedRoute:
                    routeTemplateRef: drover-kafka-sink
                    parameters:
                      - {name: name, value: sink}
                      - {name: brokers, value: "127.0.0.1:9092"}
                      - {name: topic, value: "bad topic"}
                """)).singleElement().asString().contains("parameter 'topic'");
        assertThat(DECLARED.template("drover-kafka-sink").parameters().get("options").secret()).isTrue();
    }

    @Test
    void templatesOfTheApplicationsOwnAreLeftToCamel() {
        assertThat(problems("- templatedRoute:\n    routeTemplateRef: my-own\n    parameters:\n      - {name: x, value: y}\n"))
                .isEmpty();
    }

    @Test
    void theDeclarationsAreWhatCamelsTemplatesGet() throws Exception {
        try (DefaultCamelContext c = new DefaultCamelContext()) {
            DroverIntegrations.load(c, "classpath:routes/integration.yaml");
            DECLARED.declare(c);
            var definition = c.getRouteTemplateDefinition("drover-integration");
            assertThat(definition.getTemplateParameters()).extracting(p -> p.getName() + "=" + p.getDefaultValue())
                    .contains("batchSize=100", "startFrom=latest", "method=POST", "name=null", "endpoint=null");
            assertThat(definition.getTemplateParameters()).filteredOn(p -> p.getName().equals("endpoint"))
                    .singleElement().satisfies(p -> assertThat(p.isRequired()).isTrue());
        }
    }
}
