package io.drover.integration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A module file's templated routes, read with the line of each parameter, and checked against the declarations of
 * their templates ({@link TemplateParameters}) before Camel loads the file, so that a wrong, unknown or missing
 * parameter stops the module with every problem named at once: {@code meta.yaml:14: parameter 'batchSize': expected a
 * whole number, got 'many', from 1 to 10000}.
 */
public final class ModuleParameters {

    private ModuleParameters() {
    }

    /** One templated route of the module: its template, the line it starts on, and its parameters with their lines. */
    public record Route(String template, int line, Map<String, Value> parameters) {

        /** A parameter's value as written (placeholders unresolved), or {@code fallback} when it is not given. */
        public String text(String name, String fallback) {
            Value v = parameters.get(name);
            return v == null || v.text() == null ? fallback : v.text();
        }
    }

    public record Value(String text, int line) {
    }

    /** The templated routes of a module file (none when it is not YAML: Camel then says what is wrong). */
    public static List<Route> read(String content) {
        List<Route> routes = new ArrayList<>();
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().build()).composeString(content);
        } catch (RuntimeException notYaml) {
            return routes;
        }
        if (root.isEmpty() || !(root.get() instanceof SequenceNode items)) {
            return routes;
        }
        for (Node item : items.getValue()) {
            Node templated = get(item, "templatedRoute");
            if (!(templated instanceof MappingNode)) {
                continue;
            }
            Node ref = get(templated, "routeTemplateRef");
            Map<String, Value> parameters = new LinkedHashMap<>();
            if (get(templated, "parameters") instanceof SequenceNode list) {
                for (Node p : list.getValue()) {
                    Node name = get(p, "name");
                    Node value = get(p, "value");
                    if (name instanceof ScalarNode n) {
                        // The value's line: what to edit.
                        parameters.put(n.getValue(), new Value(value instanceof ScalarNode v ? v.getValue() : null,
                                line(value != null ? value : p)));
                    }
                }
            }
            routes.add(new Route(ref instanceof ScalarNode r ? r.getValue() : null, line(templated), parameters));
        }
        return routes;
    }

    /**
     * Every problem of the module's parameters, each as "file:line: parameter 'x': what is wrong and the fix". A value
     * whose placeholders cannot be resolved (a setting missing) is not checked: the missing setting is said instead.
     */
    static List<String> problems(String file, String content, TemplateParameters declarations, CamelContext context) {
        List<String> problems = new ArrayList<>();
        for (Route route : read(content)) {
            TemplateParameters.Template template = route.template() == null ? null : declarations.template(route.template());
            if (template == null) {
                continue;   // a template of the application's own, or Camel's error for an unknown one
            }
            Map<String, String> resolved = new LinkedHashMap<>();
            for (Map.Entry<String, Value> p : route.parameters().entrySet()) {
                String text = p.getValue().text();
                if (text == null) {
                    continue;
                }
                try {
                    resolved.put(p.getKey(), context.resolvePropertyPlaceholders(text));
                } catch (RuntimeException missingSetting) {
                    // reported as a missing setting
                }
            }
            for (TemplateParameters.Problem problem : declarations.check(route.template(),
                    new LinkedHashSet<>(route.parameters().keySet()), resolved)) {
                Value at = route.parameters().get(problem.parameter());
                int line = at != null ? at.line() : route.line();
                problems.add(file + ":" + line + ": parameter '" + problem.parameter() + "': " + problem.message());
            }
        }
        return problems;
    }

    private static Node get(Node node, String key) {
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    /** 1-based, as editors show it. */
    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
