package io.drover.playbook.modules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.playbook.PlaybookRequest;
import io.drover.destinations.GoldenFiles;
import org.apache.camel.impl.DefaultCamelContext;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A shipped playbook module ({@code integrations/<name>.yaml}, the file as users get it) run as the drover-playbook
 * template runs it, without Kafka: its parameters read from the file, every {@code {{setting}}} resolved by Camel's
 * properties component from the test's settings (defaults as written), its {@code types}/{@code events} selection
 * applied, then the real {@link PlaybookRequest} and delivery step make the requests the golden files hold.
 */
public final class PlaybookModules {

    private PlaybookModules() {
    }

    /** The template parameters of the module file, as written (placeholders unresolved). */
    static Map<String, String> parameters(String module) throws IOException {
        Object root = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("integrations", module + ".yaml")));
        Map<String, String> p = new LinkedHashMap<>();
        for (Object item : (List<?>) root) {
            Map<?, ?> t = (Map<?, ?>) ((Map<?, ?>) item).get("templatedRoute");
            if (t == null || !"drover-playbook".equals(t.get("routeTemplateRef"))) {
                throw new AssertionError(module + " is not a drover-playbook module");
            }
            for (Object o : (List<?>) t.get("parameters")) {
                Map<?, ?> parameter = (Map<?, ?>) o;
                p.put(String.valueOf(parameter.get("name")), String.valueOf(parameter.get("value")));
            }
        }
        return p;
    }

    /**
     * The module's request bean as the template builds it, with these settings (for the transform benchmark: the
     * same bean the golden files check).
     */
    public static PlaybookRequest bean(String module, Map<String, String> settings) throws IOException {
        DefaultCamelContext context = context(settings);
        return bean(resolved(module, context), context);
    }

    private static DefaultCamelContext context(Map<String, String> settings) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(settings);
        context.getPropertiesComponent().setInitialProperties(props);
        context.start();
        return context;
    }

    private static Map<String, String> resolved(String module, DefaultCamelContext context) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        parameters(module).forEach((k, v) -> p.put(k, context.resolvePropertyPlaceholders(v)));
        return p;
    }

    private static PlaybookRequest bean(Map<String, String> p, DefaultCamelContext context) {
        PlaybookRequest bean = new PlaybookRequest();
        bean.setName(p.get("name"));
        bean.setPlaybook(p.getOrDefault("playbook", ""));
        bean.setBatchSize(Integer.parseInt(p.getOrDefault("batchSize", "100")));
        bean.setCamelContext(context);
        bean.start();
        return bean;
    }

    /** The requests the module makes for these events (one batch), with these settings. */
    static JsonNode requests(String module, Map<String, String> settings, List<ObjectNode> events) throws Exception {
        try (DefaultCamelContext context = context(settings)) {
            Map<String, String> p = resolved(module, context);
            List<String> types = csv(p.get("types"));
            List<String> names = csv(p.get("events"));
            List<ObjectNode> selected = events.stream()
                    .filter(e -> types.isEmpty() || types.contains(e.path("type").asText()))
                    .filter(e -> names.isEmpty() || !e.path("type").asText().equals("track")
                            || names.contains(e.path("event").asText()))
                    .toList();
            if (selected.isEmpty()) {
                return GoldenFiles.requests(exchange -> exchange.getIn().setBody(null), "-", "POST", List.of());
            }
            return GoldenFiles.requests(bean(p, context), p.get("endpoint"), p.getOrDefault("method", "POST"), selected);
        }
    }

    private static List<String> csv(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
